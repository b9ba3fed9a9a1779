import Synchronization

/// A flag that one thread raises (a Ctrl-C handler, say) and the engine's workers read
/// before every tile: pass ``isRaised`` as `Engine.run`'s `cancel`.
public final class CancellationFlag: Sendable {
  private let raised = Atomic<Bool>(false)

  public init() {}

  /// Asks the run to stop; safe from any thread.
  public func raise() { raised.store(true, ordering: .relaxed) }

  public var isRaised: Bool { raised.load(ordering: .relaxed) }
}

extension SimulationRun {
  /// Iterations actually simulated: fewer than `options.iterations` when the run was cancelled.
  public var completedIterations: Int { Int(accumulator.iterations) }

  /// Whether every requested iteration was simulated.
  public var isComplete: Bool { completedIterations == options.iterations }

  /// The iterations finished, as the run of that size they are: the workers take blocks in
  /// order and finish every block they take, so a cancelled run's iterations are the first
  /// `completedIterations` of its range, and its figures are exactly those of a run with
  /// `--iterations` equal to that count (same seed). Nil when nothing was finished.
  public func prefix() -> SimulationRun? {
    guard completedIterations > 0 else { return nil }
    var used = options
    used.iterations = completedIterations
    return SimulationRun(
      options: used, accumulator: accumulator, elapsedSeconds: elapsedSeconds, plan: plan, evaluations: evaluations)
  }
}
