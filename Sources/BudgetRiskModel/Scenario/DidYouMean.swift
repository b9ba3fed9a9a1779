/// Spelling suggestions for unknown keys and names.
///
/// A candidate is suggested when its case-insensitive Levenshtein distance to the unknown
/// word is at most 2 (at most 1 for words of three characters or fewer, where two edits
/// would match almost anything). Ties go to the candidate listed first.
enum DidYouMean {
  /// Levenshtein distance (insertions, deletions and substitutions each cost 1), ignoring case.
  ///
  /// - Complexity: O(`a.count` × `b.count`).
  static func distance(_ a: String, _ b: String) -> Int {
    let s = Array(a.lowercased().unicodeScalars)
    let t = Array(b.lowercased().unicodeScalars)
    if s.isEmpty { return t.count }
    if t.isEmpty { return s.count }
    var previous = Array(0...t.count)
    var current = [Int](repeating: 0, count: t.count + 1)
    for i in 1...s.count {
      current[0] = i
      for j in 1...t.count {
        let substitution = previous[j - 1] + (s[i - 1] == t[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[t.count]
  }

  /// The closest candidate within the suggestion distance, if any.
  static func suggestion(for word: String, among candidates: [String]) -> String? {
    let limit = word.count <= 3 ? 1 : 2
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != word {
      let d = distance(word, candidate)
      if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
    }
    return best?.name
  }

  /// ` (did you mean 'x'?)`, or an empty string when nothing is close.
  static func hint(for word: String, among candidates: [String]) -> String {
    suggestion(for: word, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
  }
}
