import Foundation
import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// Designs of one pilot run side by side on common random numbers.
///
/// Every design is simulated on the same iterations in one pass (``ParallelTiles``): iteration
/// *i* draws the same numbers in every design wherever the designs share an input (streams are
/// keyed by name, ``StreamID``), so the per-iteration difference between two designs carries
/// only the effect of what differs. For each proposed budget shared by every design (matched
/// by proposal label and response) the worker accumulates, on each design's total scope, the
/// design's value and its per-iteration difference from the baseline, exactly and mergeably.
public enum DesignComparison {
  /// The figures compared, per iteration, on a design's total scope.
  public enum Figure: String, CaseIterable, Codable, Sendable {
    /// Cost of need over the horizon (money, divided by the baseline's reference budget).
    case costOfNeed = "cost_of_need"
    /// (cost − budget)+ over the horizon (money, divided likewise).
    case overspendAmount = "expected_overspend"
    /// (cost − budget) / budget.
    case drift
    /// Unmet cost / cost of need.
    case unmetShare = "unmet_share"
    /// 1 if cost > budget: its mean is P(overspend).
    case overspend = "overspend_probability"
    /// 1 if the unmet share exceeds the design's threshold: its mean is P(service gap).
    case serviceGap = "service_gap_probability"

    /// Whether the figure is money (scaled back by the reference budget when reported).
    var isMoney: Bool { self == .costOfNeed || self == .overspendAmount }
  }

  /// A proposed budget × response that every design evaluates.
  public struct SharedBudget: Sendable, Equatable {
    public var proposal: String
    public var response: ProviderResponse
  }

  /// Runs `designs` on common random numbers.
  ///
  /// - Parameters:
  ///   - designs: the designs, named uniquely; at least one.
  ///   - baseline: index of the design the others are compared with.
  /// - Throws: ``RunOptionsError`` for bad options, a design the plan refuses (`.scenario`),
  ///   or designs sharing no proposed budget.
  public static func run(
    _ designs: [Design], baseline: Int, basis: ComparisonBasis = .own, options: RunOptions,
    progress: (@Sendable (Int) -> Void)? = nil, cancel: (@Sendable () -> Bool)? = nil
  ) throws(RunOptionsError) -> ComparisonRun {
    guard !designs.isEmpty, designs.indices.contains(baseline) else { throw .invalid("no design to compare") }
    try Engine.check(options)
    var compiled = [SimulationPlan]()
    for design in designs {
      do { compiled.append(try SimulationPlan(design.scenario)) } catch { throw .scenario(error) }
    }
    for plan in compiled { try Engine.check(options.sampling, options: options, plan: plan) }
    let plans = compiled
    let evaluations = try basis.evaluations(plans, baseline: baseline, names: designs.map(\.name))
    let shared = sharedBudgets(evaluations)
    guard !shared.isEmpty else {
      throw .invalid("the designs share no proposed budget (matched by proposal label and response)")
    }
    let layout = ComparisonLayout(plans: plans, evaluations: evaluations, shared: shared, baseline: baseline)
    if options.sampling.method == .rqmc, let problem = options.sampling.problem(iterations: options.sampling.replicates, factors: layout.factorNames.count) {
      throw .invalid(problem)
    }
    let clock = ContinuousClock.now
    let (workers, _) = ParallelTiles.run(options: options, progress: progress, cancel: cancel) {
      CompareWorker(plans: plans, evaluations: evaluations, layout: layout, sampling: options.sampling)
    }
    var runs = plans.indices.map { RunAccumulator(plan: plans[$0], evaluations: evaluations[$0]) }
    var paired = ComparisonAccumulator(layout: layout)
    var replicates = workers.first?.replicates
    for worker in workers {
      for d in runs.indices { runs[d].merge(worker.runs[d]) }
      paired.merge(worker.paired)
    }
    for worker in workers.dropFirst() { if let r = worker.replicates { replicates?.merge(r) } }
    for d in runs.indices { try Engine.refuseNonFinite(runs[d]) }
    let elapsed = ContinuousClock.now - clock
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let simulations = designs.indices.map { d in
      SimulationRun(
        options: options, accumulator: runs[d], elapsedSeconds: seconds, plan: plans[d],
        evaluations: evaluations[d])
    }
    return ComparisonRun(
      designs: designs, baseline: baseline, basis: basis, options: options, runs: simulations, shared: shared,
      accumulator: paired, references: layout.references, factorNames: layout.factorNames, replicates: replicates)
  }

  /// Tolerance of a tie. The compared figures are money divided by the baseline's reference
  /// budget (so about 1), shares and 0/1 indicators: two designs that add the same costs in
  /// another order (one pool against three) differ by rounding, at most ~1e-13 over a pilot's
  /// thousands of cells, while 1e-9 of a budget is below a penny in a GBP 10m pot. Ties are
  /// reported as ties, never as "cheaper" by rounding noise.
  package static let tieTolerance = 1e-9

  /// Whether two per-iteration figures are equal within ``tieTolerance`` (of the larger
  /// magnitude, and at least of 1: the reference budget for money).
  @inline(__always)
  package static func same(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= tieTolerance * max(abs(a), abs(b), 1)
  }

  /// Budgets (label × response) that every design evaluates, in the first design's order.
  static func sharedBudgets(_ evaluations: [[Evaluation]]) -> [SharedBudget] {
    func keys(_ list: [Evaluation]) -> [SharedBudget] {
      list.map { SharedBudget(proposal: $0.budget.label, response: $0.response) }
    }
    let rest = evaluations.dropFirst().map(keys)
    return keys(evaluations[0]).filter { key in rest.allSatisfy { $0.contains(key) } }
  }
}

/// A finished comparison: every design's own run and the paired accumulators.
public struct ComparisonRun: Sendable {
  public let designs: [Design]
  public let baseline: Int
  /// The budgets every design was held to.
  public let basis: ComparisonBasis
  public let options: RunOptions
  /// Each design's full run (its ``RunFigures`` come from it).
  public let runs: [SimulationRun]
  public let shared: [DesignComparison.SharedBudget]
  let accumulator: ComparisonAccumulator
  /// Each design's total-scope reference budget: money figures are accumulated divided by the
  /// baseline's.
  let references: [Double]
  /// The inputs of the value of information (every design's factors by name).
  let factorNames: [String]
  /// Under `--sampling rqmc`: each replicate's figures and paired differences; nil under plain Monte Carlo.
  var replicates: PairedReplicates? = nil

  public var isComplete: Bool { accumulator.iterations == UInt64(options.iterations) }
  public var completedIterations: Int { Int(accumulator.iterations) }
}

/// Which evaluation of each design is which shared budget, and where the total scope is.
struct ComparisonLayout: Sendable {
  /// `evaluation[d][k]`: design d's evaluation index for shared budget k.
  let evaluation: [[Int]]
  /// `sharedOf[d][e]`: the shared budget of design d's evaluation e, if any.
  let sharedOf: [[Int?]]
  let totalScope: [Int]
  let references: [Double]
  let gapThreshold: [Double]
  /// The uncertain inputs of the value of information: every factor of any design, by name
  /// in first-seen order, with the design and index it is read from (common random numbers:
  /// a factor of one name draws the same in every design that has it).
  package let factorNames: [String]
  let factorSource: [(design: Int, index: Int)]
  package let baseline: Int
  var designCount: Int { evaluation.count }
  var sharedCount: Int { evaluation[0].count }

  package init(
    plans: [SimulationPlan], evaluations perDesign: [[Evaluation]], shared: [DesignComparison.SharedBudget], baseline: Int
  ) {
    evaluation = perDesign.map { evaluations in
      shared.map { key in
        evaluations.firstIndex { $0.budget.label == key.proposal && $0.response == key.response }!
      }
    }
    sharedOf = zip(perDesign, evaluation).map { evaluations, indices in
      evaluations.indices.map { e in indices.firstIndex(of: e) }
    }
    totalScope = plans.map { $0.scopes.count - 1 }
    references = plans.map { $0.scopes[$0.scopes.count - 1].reference }
    gapThreshold = plans.map { $0.budget.serviceGapThreshold }
    self.baseline = baseline
    var names = [String](), source = [(design: Int, index: Int)]()
    for (d, plan) in plans.enumerated() {
      for (i, factor) in plan.factors.enumerated() where !names.contains(factor.name) {
        names.append(factor.name); source.append((d, i))
      }
    }
    factorNames = names; factorSource = source
  }
}

/// Paired sums, exact and mergeable.
struct ComparisonAccumulator: Sendable, Equatable {
  package var iterations: UInt64 = 0
  /// `value[(d × K + k) × figures + f]`: design d's figure f at shared budget k.
  package var value: [MeanAccumulator]
  /// The same index: design d's figure minus the baseline's, per iteration.
  package var difference: [MeanAccumulator]
  /// `costLess[a × D + b]`: design a's cost of need below design b's (at shared budget 0),
  /// not counting ties.
  var costLess: [ProportionCounter]
  /// `costTie[a × D + b]`: the two costs of need equal (``DesignComparison/same(_:_:)``).
  var costTie: [ProportionCounter]
  /// `identical[(a × D + c) × K + k]`: every compared figure of a and c equal on the iteration
  /// at shared budget k; all trials hits means the two designs are path-for-path identical there.
  var identical: [ProportionCounter]
  /// `anyPool[d × K + k]`: some pool of design d overspent its own budget (one partner's
  /// overspend is that partner's, whatever the total did).
  var anyPool: [ProportionCounter]
  /// The value of information's sums (``ValueOfInformation``): `evppi[((f × B + b) × G + g) × D + d]`
  /// is design d's cost of need minus the baseline's (money ÷ the baseline's reference, at
  /// shared budget 0) over the iterations whose factor f falls in probability bin b, in
  /// jackknife group g (the global iteration mod G).
  var evppi: [MeanAccumulator]
  /// `perfect[g]`: the per-iteration least of those differences over the designs (the
  /// expected value of perfect information on everything).
  var perfect: [MeanAccumulator]
  /// `pairwise[((a × D + c) × K + k) × 2 + j]`: design a minus design c per iteration on
  /// P(overspend) (j = 0) and P(service gap) (j = 1), for the dominance flags.
  var pairwise: [MeanAccumulator]

  package static let figures = DesignComparison.Figure.allCases

  package init(layout: ComparisonLayout) {
    let n = layout.designCount * layout.sharedCount * Self.figures.count
    value = Array(repeating: MeanAccumulator(), count: n)
    difference = value
    costLess = Array(repeating: ProportionCounter(), count: layout.designCount * layout.designCount)
    costTie = costLess
    identical = Array(repeating: ProportionCounter(), count: layout.designCount * layout.designCount * layout.sharedCount)
    anyPool = Array(repeating: ProportionCounter(), count: layout.designCount * layout.sharedCount)
    evppi = Array(
      repeating: MeanAccumulator(),
      count: layout.factorNames.count * ValueOfInformation.bins * ValueOfInformation.groups * layout.designCount)
    perfect = Array(repeating: MeanAccumulator(), count: ValueOfInformation.groups)
    pairwise = Array(repeating: MeanAccumulator(), count: layout.designCount * layout.designCount * layout.sharedCount * 2)
  }

  func pairwiseDifference(_ a: Int, _ c: Int, _ k: Int, _ j: Int, D: Int, K: Int) -> (mean: Double, se: Double) {
    let m = pairwise[((a * D + c) * K + k) * 2 + j]
    return (m.mean, m.standardError)
  }

  mutating func merge(_ other: ComparisonAccumulator) {
    iterations += other.iterations
    for i in value.indices { value[i].merge(other.value[i]); difference[i].merge(other.difference[i]) }
    for i in costLess.indices { costLess[i].merge(other.costLess[i]); costTie[i].merge(other.costTie[i]) }
    for i in identical.indices { identical[i].merge(other.identical[i]) }
    for i in anyPool.indices { anyPool[i].merge(other.anyPool[i]) }
    for i in evppi.indices { evppi[i].merge(other.evppi[i]) }
    for i in perfect.indices { perfect[i].merge(other.perfect[i]) }
    for i in pairwise.indices { pairwise[i].merge(other.pairwise[i]) }
  }
}

/// A comparison worker: per design one workspace, ledger and run accumulator; the paired sums.
final class CompareWorker: TileWorker {
  let plans: [SimulationPlan]
  package let layout: ComparisonLayout
  let workspaces: [TileWorkspace]
  let ledgers: [BudgetLedger]
  /// Each design's evaluations: its scenario's proposals under its responses.
  let evaluations: [[Evaluation]]
  package var runs: [RunAccumulator]
  /// Each design's absorb fans read off one margin's (``SharedFans``): their walks leave the fan out.
  private let fans: [SharedFans]
  package var paired: ComparisonAccumulator
  /// This tile's per-row figures, `((d × K + k) × rows + r) × figures + f`.
  private var rowFigures: [Double]
  /// Under RQMC: each replicate's sums (``PairedReplicates``); nil under plain Monte Carlo.
  package var replicates: PairedReplicates?

  package init(plans: [SimulationPlan], evaluations: [[Evaluation]], layout: ComparisonLayout, sampling: Sampling = .plain) {
    self.plans = plans
    self.layout = layout
    workspaces = plans.map { TileWorkspace(plan: $0) }
    let dimensions = layout.sobolDimensions(plans)
    for d in plans.indices {
      workspaces[d].factorPoints = FactorPoints(sampling, dimensions: dimensions[d], of: layout.factorNames.count)
    }
    replicates = sampling.method == .rqmc ? PairedReplicates(replicates: sampling.replicates, layout: layout) : nil
    ledgers = zip(plans, workspaces).map { BudgetLedger(plan: $0, cells: TileCells($1)) }
    self.evaluations = evaluations
    runs = evaluations.enumerated().map { d, e in RunAccumulator(plan: plans[d], evaluations: e) }
    fans = evaluations.enumerated().map { d, e in SharedFans(plan: plans[d], evaluations: e) }
    paired = ComparisonAccumulator(layout: layout)
    rowFigures = Array(
      repeating: 0,
      count: layout.designCount * layout.sharedCount * TileWorkspace.rows * ComparisonAccumulator.figures.count)
  }

  package func process(tile t: Int, active: Range<Int>, seed: UInt64) {
    let R = TileWorkspace.rows, K = layout.sharedCount, D = layout.designCount
    let F = ComparisonAccumulator.figures.count
    let base = t * R
    let scale = 1 / layout.references[layout.baseline]
    for d in 0..<D {
      workspaces[d].simulate(tile: t, active: active, seed: seed)
      let scope = layout.totalScope[d], g = layout.gapThreshold[d]
      // Evaluation-major, like `RunWorker`: an evaluation's histograms stay in cache over the tile.
      for e in runs[d].evaluations.indices {
        for r in active {
          let outcome = ledgers[d].walk(row: r, iteration: base + r, seed: seed, evaluation: evaluations[d][e])
          runs[d].record(outcome, evaluation: e, scores: workspaces[d].factorScores(row: r), fan: fans[d].records(e))
          guard let k = layout.sharedOf[d][e] else { continue }
          let o = outcome.scopes[scope]
          // Pool scopes come first; a single pool is its own total.
          var anyPool = false
          for s in 0..<max(scope, 1) where outcome.scopes[s].overspent { anyPool = true }
          paired.anyPool[d * K + k].add(anyPool)
          let i = ((d * K + k) * R + r) * F
          rowFigures[i] = o.costOfNeed * scale
          rowFigures[i + 1] = max(o.costOfNeed - o.budget, 0) * scale
          rowFigures[i + 2] = o.drift
          rowFigures[i + 3] = o.unmetShare
          rowFigures[i + 4] = o.overspent ? 1 : 0
          rowFigures[i + 5] = o.unmetShare > g ? 1 : 0
        }
      }
      runs[d].iterations += UInt64(active.count)
    }
    let b = layout.baseline
    let B = ValueOfInformation.bins, G = ValueOfInformation.groups
    let replicateCount = replicates?.replicates ?? 1
    for r in active {
      let replicate = (base + r) % replicateCount
      // The value of information: each design's cost of need minus the baseline's at shared
      // budget 0, binned by every factor's copula uniform.
      let g = (base + r) % G
      var least = 0.0
      for d in 0..<D { least = min(least, rowFigures[(d * K * R + r) * F] - rowFigures[(b * K * R + r) * F]) }
      paired.perfect[g].add(least)
      for (f, source) in layout.factorSource.enumerated() {
        let u = workspaces[source.design].factorScores(row: r).u[source.index]
        let bin = min(max(Int(u * Double(B)), 0), B - 1)
        for d in 0..<D {
          let delta = rowFigures[(d * K * R + r) * F] - rowFigures[(b * K * R + r) * F]
          paired.evppi[((f * B + bin) * G + g) * D + d].add(delta)
        }
      }
      for d in 0..<D {
        for k in 0..<K {
          let i = ((d * K + k) * R + r) * F, j = ((b * K + k) * R + r) * F
          for f in 0..<F {
            paired.value[(d * K + k) * F + f].add(rowFigures[i + f])
            // A tie is a difference of exactly 0, not rounding noise that a tight interval calls significant.
            let x = rowFigures[i + f], y = rowFigures[j + f]
            let delta = DesignComparison.same(x, y) ? 0 : x - y
            paired.difference[(d * K + k) * F + f].add(delta)
            replicates?.add(replicate: replicate, design: d, shared: k, figure: f, value: x, difference: delta)
          }
        }
      }
      for a in 0..<D {
        for c in 0..<D where c != a {
          let costA = rowFigures[(a * K * R + r) * F], costC = rowFigures[(c * K * R + r) * F]
          let tie = DesignComparison.same(costA, costC)
          paired.costLess[a * D + c].add(!tie && costA < costC)
          paired.costTie[a * D + c].add(tie)
          for k in 0..<K {
            let i = ((a * K + k) * R + r) * F, j = ((c * K + k) * R + r) * F
            for f in 0..<2 { paired.pairwise[((a * D + c) * K + k) * 2 + f].add(rowFigures[i + 4 + f] - rowFigures[j + 4 + f]) }
            var same = true
            for f in 0..<F where !DesignComparison.same(rowFigures[i + f], rowFigures[j + f]) { same = false; break }
            paired.identical[(a * D + c) * K + k].add(same)
          }
        }
      }
    }
    paired.iterations += UInt64(active.count)
  }
}
