import ArgumentParser
import BudgetRisk
import Dispatch
import Foundation
import Synchronization

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP into a request to stop the simulation: the
/// engine's workers check the flag before every tile, so the run ends within a tile, and
/// nothing is written. The signals stay caught for the rest of the process, so one that
/// arrives while the outputs are being written cannot leave a temporary or a half-written
/// set behind (the write finishes; see `AtomicFile`).
final class InterruptHandler {
  let flag = CancellationFlag()
  /// The first signal received (0: none), for the exit status.
  private let received = ReceivedSignal()
  private let sources: [DispatchSourceSignal]

  static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  init() {
    var sources: [DispatchSourceSignal] = []
    for number in Self.signals {
      // Ignore the default action (terminate) so that the dispatch source sees the signal.
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler { [flag, received] in
        _ = received.number.compareExchange(expected: 0, desired: number, ordering: .relaxed)
        flag.raise()
      }
      source.resume()
      sources.append(source)
    }
    self.sources = sources
  }

  /// 128 + the signal, as shells report a process ended by it: 130 for Ctrl-C, 143 for
  /// SIGTERM, 129 for SIGHUP.
  var exit: ExitCode {
    let number = received.number.load(ordering: .relaxed)
    return ExitCode(128 + (number == 0 ? SIGINT : number))
  }

  /// What the interruption is called in messages.
  var name: String {
    switch received.number.load(ordering: .relaxed) {
    case SIGTERM: return "terminated (SIGTERM)"
    case SIGHUP: return "hung up (SIGHUP)"
    default: return "interrupted"
    }
  }
}

/// The first signal received, shared with the signal handlers.
private final class ReceivedSignal: Sendable {
  let number = Atomic<Int32>(0)
}
