import ArgumentParser
import BudgetRiskStudies
import Dispatch
import Foundation
import Synchronization

/// Turns Ctrl-C (SIGINT), SIGTERM and SIGHUP into a request to stop the simulation: the
/// engine's workers check the flag before every block and finish the blocks in flight, so
/// the run ends within a block with a prefix of its iterations, which `run` reports as a run
/// of that size. A second signal ends the process at once, writing nothing — except while
/// the outputs are being renamed into place (milliseconds), which it lets finish so that no
/// temporary or half-replaced set is left (see `AtomicFile`).
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
        let first = received.number.compareExchange(expected: 0, desired: number, ordering: .relaxed).exchanged
        if !first && !received.writing.load(ordering: .relaxed) {
          FileHandleOutput.standardError("\nstopped at once; nothing written\n")
          _exit(128 + number)
        }
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

  /// Runs `body` (the writing of the outputs) with a second signal deferred until it ends.
  func writing<T>(_ body: () throws -> T) rethrows -> T {
    received.writing.store(true, ordering: .relaxed)
    defer { received.writing.store(false, ordering: .relaxed) }
    return try body()
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
  /// Whether the outputs are being written (a second signal then waits).
  let writing = Atomic<Bool>(false)
}
