import ArgumentParser
import BudgetRiskStudies
import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) into a request to stop the simulation: the engine's workers check
/// the flag before every tile, so the run ends within a tile, and nothing is written. The
/// signal stays caught for the rest of the process, so a Ctrl-C while the outputs are being
/// written cannot leave one half-written.
final class InterruptHandler {
  let flag = CancellationFlag()
  private let source: DispatchSourceSignal

  init() {
    // Ignore the default action (terminate) so that the dispatch source sees the signal.
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { [flag] in flag.raise() }
    source.resume()
  }
}

extension Exit {
  /// 128 + SIGINT, as shells report a process ended by Ctrl-C.
  static let interrupted = ExitCode(130)
}
