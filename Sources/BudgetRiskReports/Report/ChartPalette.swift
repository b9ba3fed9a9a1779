/// The Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"): eight colours that
/// stay distinguishable under the common colour-vision deficiencies. Series that share a
/// colour are also told apart by dash pattern or marker, never by colour alone.
enum ChartPalette {
  static let orange = "#E69F00"
  static let skyBlue = "#56B4E9"
  static let bluishGreen = "#009E73"
  static let yellow = "#F0E442"
  static let blue = "#0072B2"
  static let vermillion = "#D55E00"
  static let reddishPurple = "#CC79A7"
  static let black = "#000000"

  /// Every colour of the palette, for tests.
  static let all = [orange, skyBlue, bluishGreen, yellow, blue, vermillion, reddishPurple, black]

  /// The colour of a provider response's series.
  static func response(_ response: String) -> String {
    response == "ration" ? vermillion : blue
  }

  /// The colour of a service category.
  static func category(_ category: String) -> String {
    category == "proactive" ? bluishGreen : orange
  }
}
