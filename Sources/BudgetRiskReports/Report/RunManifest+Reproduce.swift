/// The command that reproduces a report's figures, recorded in the manifest (`reproduce`) and
/// shown in the HTML report's manifest: the design, seed and iteration count are part of it,
/// since a design of a file gives different figures from its base with the same file hash.
extension RunManifest {
  /// `budget-risk COMMAND FILE… [--design D] --seed S --iterations N` followed by `extra`
  /// (the options that change the figures, e.g. the margin's targets or the comparison's
  /// baseline). Thread count and block size are left out: they do not change the figures.
  public static func reproduceCommand(
    _ command: String, files: [String], design: String?, seed: UInt64, iterations: Int, extra: [String] = []
  ) -> String {
    var words = ["budget-risk", command] + files.map(shellWord)
    if let design { words += ["--design", shellWord(design)] }
    words += ["--seed", "\(seed)", "--iterations", "\(iterations)"] + extra.map(shellWord)
    return words.joined(separator: " ")
  }

  /// `word` as one shell word: unchanged when it holds only safe characters, else in single
  /// quotes (a quote inside written `'\''`).
  static func shellWord(_ word: String) -> String {
    let safe = word.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./:=,%+@".unicodeScalars.contains($0)
    }
    if safe && !word.isEmpty { return word }
    return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
