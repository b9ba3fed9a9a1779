#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif
import Synchronization
import BudgetRiskModel

/// A one-line progress bar on standard error: iterations done, rate, elapsed and time left.
///
/// ```
/// [=============>          ]  56%  11,264/20,000 it  2,311 it/s  0:04 elapsed  0:03 left
/// ```
///
/// It draws only when enabled — standard error is a terminal and the run is not `--quiet` —
/// and only once the run has taken longer than ``delay`` (so short runs print nothing), at
/// most every ``interval`` seconds. ``advance(by:)`` is called by the engine's workers from
/// several threads; the state sits behind a mutex. ``finish()`` erases the line.
public final class ProgressBar: Sendable {
  /// Seconds before the first draw.
  public static let delay = 1.0
  /// Seconds between draws (about ten a second).
  public static let interval = 0.1

  private struct State {
    var done = 0
    var lastDraw = -Double.infinity
    var drawn = false
    /// The current pass of a multi-pass solve (`margin`): its label, size and start.
    var label = ""
    var total = 0
    var passStart = 0.0
  }

  public let total: Int
  /// Whether anything is ever drawn.
  public let isEnabled: Bool
  private let write: @Sendable (String) -> Void
  private let now: @Sendable () -> Double
  private let state = Mutex(State())

  /// - Parameters:
  ///   - total: iterations in the run.
  ///   - isEnabled: draw at all; see ``shouldShow(quiet:isTerminal:)``.
  ///   - write: where the text goes (standard error by default).
  ///   - now: seconds on a monotonic clock (injected by the tests).
  public init(
    total: Int, isEnabled: Bool, write: @escaping @Sendable (String) -> Void = ProgressBar.writeToStandardError,
    now: @escaping @Sendable () -> Double = ProgressBar.monotonicSeconds()
  ) {
    self.total = max(total, 1); self.isEnabled = isEnabled; self.write = write; self.now = now
    let start = now()
    let initial = self.total
    state.withLock {
      $0.lastDraw = start - Self.interval
      $0.total = initial
      $0.passStart = start
    }
    startTime = start
  }

  /// Starts a new pass over `iterations` iterations (the margin solver makes several, of a
  /// number it learns as it goes): the bar restarts at 0 with `label` in front.
  public func beginPass(_ label: String, iterations: Int) {
    let t = now()
    state.withLock { s in
      s.done = 0
      s.total = max(iterations, 1)
      s.label = label
      s.passStart = t
    }
  }

  private let startTime: Double

  /// Whether a run shows progress: not with `--quiet`, and only on a terminal.
  public static func shouldShow(quiet: Bool, isTerminal: Bool) -> Bool { !quiet && isTerminal }

  /// Whether standard error is a terminal (and not a dumb one).
  public static func standardErrorIsTerminal() -> Bool {
    guard isatty(STDERR_FILENO) != 0 else { return false }
    let term = getenv("TERM").map { String(cString: $0) }
    return term != "dumb"
  }

  /// Records `n` more finished iterations; redraws if it is time to.
  public func advance(by n: Int) {
    guard isEnabled else { return }
    let t = now()
    state.withLock { s in
      s.done += n
      guard t - startTime >= Self.delay, t - s.lastDraw >= Self.interval else { return }
      s.lastDraw = t
      s.drawn = true
      let label = s.label.isEmpty ? "" : s.label + " "
      write("\r" + label + Self.line(done: s.done, total: s.total, elapsed: t - s.passStart) + "\u{1B}[K")
    }
  }

  /// Erases the bar, if it was drawn, leaving the cursor at the start of an empty line.
  public func finish() {
    state.withLock { s in
      if s.drawn { write("\r\u{1B}[K") }
      s.drawn = false
    }
  }

  /// The bar's text for `done` of `total` iterations after `elapsed` seconds.
  public static func line(done: Int, total: Int, elapsed: Double, width: Int = 24) -> String {
    let fraction = min(1, max(0, Double(done) / Double(max(total, 1))))
    let filled = Int((fraction * Double(width)).rounded(.down))
    let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
      + String(repeating: " ", count: max(0, width - filled - 1))
    let rate = elapsed > 0 ? Double(done) / elapsed : 0
    let left = rate > 0 ? Double(total - done) / rate : .nan
    let percent = String(Int((fraction * 100).rounded(.down)))
    return "[\(bar)] \(String(repeating: " ", count: max(0, 3 - percent.count)))\(percent)%  "
      + "\(ReportFormat.grouped(done))/\(ReportFormat.grouped(total)) it  "
      + "\(ReportFormat.grouped(rate.rounded())) it/s  "
      + "\(ReportFormat.duration(elapsed, rounding: .down)) elapsed  \(ReportFormat.duration(left, rounding: .up)) left"
  }

  /// Writes straight to file descriptor 2 (unbuffered).
  public static let writeToStandardError: @Sendable (String) -> Void = { text in
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { systemWrite(STDERR_FILENO, $0.baseAddress, $0.count) }
      if n <= 0 { return }
      offset += n
    }
  }

  /// A clock in seconds since the call, on the monotonic continuous clock.
  public static func monotonicSeconds() -> @Sendable () -> Double {
    let origin = ContinuousClock.now
    return {
      let d = ContinuousClock.now - origin
      return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
  }
}

/// The C `write(2)`, under a name that the bar's own `write` property does not shadow.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
  write(fd, buffer, count)
}
