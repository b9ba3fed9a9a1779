/// The summaries as saved state (`run --state`, `merge`): every field is the exact integer
/// state (or an exact `Double`) the summary merges, so a summary decoded from its encoding
/// merges and reports bit for bit as the original.
///
/// `Int128` sums are written as decimal strings (a JSON number past 2⁵³ is not read back
/// exactly by every reader); counts as integers.

extension ExactSum: Codable {
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let value = Int128(text) else {
      throw DecodingError.dataCorrupted(.init(
        codingPath: decoder.codingPath, debugDescription: "expected a 128-bit integer as a decimal string, found '\(text)'"))
    }
    self.init()
    scaled = value
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(String(scaled))
  }
}

extension MeanAccumulator: Codable {
  private enum CodingKeys: String, CodingKey { case count, sum, sumOfSquares }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init()
    storedCount = try c.decode(UInt64.self, forKey: .count)
    sum = try c.decode(ExactSum.self, forKey: .sum)
    sumOfSquares = try c.decode(ExactSum.self, forKey: .sumOfSquares)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(storedCount, forKey: .count)
    try c.encode(sum, forKey: .sum)
    try c.encode(sumOfSquares, forKey: .sumOfSquares)
  }
}

extension ProportionCounter: Codable {
  private enum CodingKeys: String, CodingKey { case successes, trials }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let successes = try c.decode(UInt64.self, forKey: .successes)
    let trials = try c.decode(UInt64.self, forKey: .trials)
    guard successes <= trials else {
      throw DecodingError.dataCorruptedError(
        forKey: .successes, in: c, debugDescription: "expected at most the \(trials) trials, found \(successes)")
    }
    self.init(successes: successes, trials: trials)
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(successes, forKey: .successes)
    try c.encode(trials, forKey: .trials)
  }
}

extension LogLinearLayout: Codable {
  private enum CodingKeys: String, CodingKey { case unitExponent, subBucketBits, keepsPositions }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let unitExponent = try c.decode(Int.self, forKey: .unitExponent)
    let bits = try c.decode(Int.self, forKey: .subBucketBits)
    // The layouts the code builds; anything else is not a state this tool wrote.
    // The checks of `init(unitExponent:subBucketBits:keepsPositions:)`, as an error, not a trap.
    guard (1...24).contains(bits), (-1000 + 1..<1000).contains(unitExponent + bits) else {
      throw DecodingError.dataCorruptedError(
        forKey: .subBucketBits, in: c,
        debugDescription: "expected 1...24 sub-bucket bits and a unit exponent within ±999 of it, found \(bits) and \(unitExponent)")
    }
    self.init(unitExponent: unitExponent, subBucketBits: bits, keepsPositions: try c.decode(Bool.self, forKey: .keepsPositions))
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(unitExponent, forKey: .unitExponent)
    try c.encode(subBucketBits, forKey: .subBucketBits)
    try c.encode(keepsPositions, forKey: .keepsPositions)
  }
}
