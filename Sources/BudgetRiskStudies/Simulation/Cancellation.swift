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

  /// Whether every requested iteration was simulated. The figures of an incomplete run
  /// cover an arbitrary subset of tiles and must not be reported.
  public var isComplete: Bool { completedIterations == options.iterations }
}
