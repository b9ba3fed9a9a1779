import Foundation
import BudgetRiskModel
import BudgetRiskStudies

/// A ``RunState`` as a file: JSON (documented in `docs/scale-out.md`), written through
/// ``AtomicFile`` by the command line, read back with every check a merge relies on.
///
/// Doubles are written by Foundation's shortest round-trip form (and `±inf`, `nan` as
/// strings), so every double reads back bit for bit; the accumulators' integers as JSON
/// integers, their 128-bit sums as decimal strings.
public enum RunStateFile {
  /// The file's bytes, with `scenarioSHA256` of the text and `stateSHA256` of the accumulators filled in.
  public static func encode(_ state: RunState) throws -> Data {
    var state = state
    state.scenarioSHA256 = SHA256.hex(Array(state.scenarioText.utf8))
    state.stateSHA256 = try accumulatorHash(state)
    return try encoder().encode(state)
  }

  /// Reads and checks the state file at `path`: its format and version, the scenario text
  /// against its hash, the accumulators against theirs.
  public static func read(path: String) throws(RunStateError) -> RunState {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RunStateError("\(path): cannot read the state file")
    }
    return try decode(data, path: path)
  }

  /// A state file's bytes, read and checked as ``read(path:)`` does (`path` for messages).
  public static func decode(_ data: Data, path: String) throws(RunStateError) -> RunState {
    let state: RunState
    do {
      state = try decoder().decode(RunState.self, from: data)
    } catch let error as DecodingError {
      throw RunStateError("\(path): not a budget-risk state file: \(describe(error))")
    } catch {
      throw RunStateError("\(path): not a budget-risk state file: \(error)")
    }
    guard state.format == RunState.formatName else {
      throw RunStateError("\(path): format: expected '\(RunState.formatName)', found '\(state.format)'")
    }
    guard state.formatVersion == RunState.currentFormatVersion else {
      throw RunStateError(
        "\(path): formatVersion: this tool reads version \(RunState.currentFormatVersion), found \(state.formatVersion)")
    }
    guard SHA256.hex(Array(state.scenarioText.utf8)) == state.scenarioSHA256 else {
      throw RunStateError("\(path): scenarioSHA256: does not match the saved scenario text (the file was altered)")
    }
    let hash: String
    do { hash = try accumulatorHash(state) } catch { throw RunStateError("\(path): state: \(error)") }
    guard hash == state.stateSHA256 else {
      throw RunStateError("\(path): stateSHA256: does not match the saved accumulators (the file was altered)")
    }
    return state
  }

  /// SHA-256 of the accumulators' canonical JSON.
  static func accumulatorHash(_ state: RunState) throws -> String {
    let canonical = encoder()
    canonical.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return SHA256.hex(Array(try canonical.encode(state.state)))
  }

  static func encoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }

  /// A decoding error as `field.path: what was expected`.
  static func describe(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
      keys.isEmpty ? "(top level)" : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
    case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
    case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(type), found null"
    case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
  }
}
