@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskEngine

/// What each intervention buys: the activity and cost it averts against the same iterations
/// without it, its own cost, the net saving, the return on investment and P(net saving > 0),
/// per budget year and over the horizon.
///
/// Terms, per iteration and intervention `k` (see ``InterventionPaths``): `E₁`, `C₁` the
/// events and cost of need of `k`'s targets on the path, `E₀`, `C₀` on the same path without
/// `k` (its effect zero, every random number the same), `P` its programme cost. Then
/// averted events `E₀ − E₁`, averted cost `C₀ − C₁`, net saving `C₀ − C₁ − P`, and
/// ROI = E[net saving] / E[P] (a ratio of means; undefined when the programme costs nothing).
/// Each mean has its Monte Carlo standard error from the paired differences, which is what
/// makes it narrow: the unpaired error `√((Var E₀ + Var E₁)/n)` is reported beside it for
/// comparison. Both paths are at full delivery (an absorbing provider), or, with a
/// `rationedAt` budget, on the path a rationing provider walks under it: the programme
/// serves (and costs) only the delivered share of its recipients each period, the averted
/// events follow, and the counterfactual keeps that path's delivery with the effect removed.
public enum InterventionOutcomes {
  public static func run(_ plan: SimulationPlan, options: RunOptions) throws(RunOptionsError) -> [InterventionOutcomeFigures] {
    figures(plan, try accumulate(plan, options: options, budget: .infinity))
  }

  /// The outcomes when the provider rations under the proposed budget labelled `label`
  /// (``ProposedBudget/label``, e.g. `margin 0%`); nil when the plan has no such proposal.
  public static func run(_ plan: SimulationPlan, options: RunOptions, rationedAt label: String) throws(RunOptionsError) -> [InterventionOutcomeFigures]? {
    guard let proposal = plan.proposals.first(where: { $0.label == label }) else { return nil }
    let evaluation = Evaluation(budget: proposal, response: .ration)
    return figures(plan, try accumulate(plan, options: options, budget: .infinity, rationedAt: evaluation))
  }

  /// Runs the outcome pass, counting the iterations whose horizon cost of need (all pools,
  /// at full delivery, programme costs included) exceeds `budget`.
  static func accumulate(
    _ plan: SimulationPlan, options: RunOptions, budget: Double, rationedAt evaluation: Evaluation? = nil
  ) throws(RunOptionsError) -> OutcomeAccumulator {
    try Engine.check(options)
    try Engine.check(options.sampling, options: options, plan: plan)
    let (workers, _) = ParallelTiles.run(options: options) {
      OutcomeWorker(plan: plan, budget: budget, rationedAt: evaluation, sampling: options.sampling)
    }
    var total = OutcomeAccumulator(interventions: plan.interventionNames.count, years: plan.years)
    if options.sampling.method == .rqmc {
      total.replicates = Array(repeating: OutcomeAccumulator(interventions: plan.interventionNames.count, years: plan.years), count: options.sampling.replicates)
    }
    for worker in workers {
      total.merge(worker.accumulator)
      for r in total.replicates.indices { total.replicates[r].merge(worker.replicates[r]) }
    }
    return total
  }

  static func figures(_ plan: SimulationPlan, _ total: OutcomeAccumulator) -> [InterventionOutcomeFigures] {
    plan.interventionNames.enumerated().map { k, name in
      InterventionOutcomeFigures(
        name: name, targets: plan.interventionsTargeting.indices.filter { plan.interventionsTargeting[$0].contains(k) }
          .map { plan.serviceNames[$0] },
        years: (0...plan.years).map { y in
          let i = k * (plan.years + 1) + y
          return OutcomeYearFigures(total.cells[i], year: y < plan.years ? y + 1 : nil, replicates: total.replicates.map { $0.cells[i] })
        })
    }
  }
}

/// One intervention's outcome figures: per budget year (1, 2, …), then the horizon.
public struct InterventionOutcomeFigures: Codable, Sendable, Equatable {
  public var name: String
  /// The services whose demand it reduces (whose events and cost are counted).
  public var targets: [String]
  /// Budget years in order, then the horizon (`year` nil).
  public var years: [OutcomeYearFigures]
  public var horizon: OutcomeYearFigures { years[years.count - 1] }
}

public struct OutcomeYearFigures: Codable, Sendable, Equatable {
  /// The budget year (1-based); nil for the whole horizon.
  public var year: Int?
  public var eventsWith: Estimate
  public var eventsWithout: Estimate
  public var avertedEvents: Estimate
  /// The standard error the averted events would have from two independent runs.
  public var avertedEventsUnpairedStandardError: Double
  public var avertedCost: Estimate
  public var programmeCost: Estimate
  public var netSaving: Estimate
  /// E[net saving] / E[programme cost]; nil (with the reason) when the programme costs nothing.
  public var returnOnInvestment: Double?
  public var returnOnInvestmentUndefined: String?
  public var probabilityNetSaving: Probability
  /// Under `--sampling rqmc`: the 95 % Student-t intervals over the replicates of the averted
  /// events, averted cost, net saving and P(net saving > 0) (the standard errors above are
  /// plain Monte Carlo's and overstate the error there); absent under plain Monte Carlo.
  public var replicates: OutcomeReplicateIntervals? = nil

  /// - Parameter replicates: the same cell of each RQMC replicate (empty under plain Monte Carlo).
  init(_ c: OutcomeCell, year: Int?, replicates: [OutcomeCell] = []) {
    self.year = year
    eventsWith = Estimate(c.eventsWith); eventsWithout = Estimate(c.eventsWithout)
    avertedEvents = Estimate(c.avertedEvents)
    let n = Double(max(c.eventsWith.count, 1))
    avertedEventsUnpairedStandardError = ((c.eventsWith.variance + c.eventsWithout.variance) / n).squareRoot()
    avertedCost = Estimate(c.avertedCost); programmeCost = Estimate(c.programmeCost)
    netSaving = Estimate(c.netSaving)
    let programme = c.programmeCost.mean
    if programme > 0 && programme.isFinite {
      returnOnInvestment = c.netSaving.mean / programme
    } else {
      returnOnInvestmentUndefined = "no programme cost (no cost_per_recipient or fixed_cost)"
    }
    probabilityNetSaving = Probability(c.netSavingPositive)
    if !replicates.isEmpty {
      self.replicates = OutcomeReplicateIntervals(
        avertedEvents: ReplicateInterval(values: replicates.map(\.avertedEvents.mean)),
        avertedCost: ReplicateInterval(values: replicates.map(\.avertedCost.mean)),
        netSaving: ReplicateInterval(values: replicates.map(\.netSaving.mean)),
        probabilityNetSaving: ReplicateInterval(values: replicates.map(\.netSavingPositive.estimate)))
    }
  }
}

/// One year's outcome intervals over the RQMC replicates (a figure is absent where undefined).
public struct OutcomeReplicateIntervals: Codable, Sendable, Equatable {
  public var avertedEvents: ReplicateInterval?
  public var avertedCost: ReplicateInterval?
  public var netSaving: ReplicateInterval?
  public var probabilityNetSaving: ReplicateInterval?
}

/// The accumulators of one intervention and year.
struct OutcomeCell: Sendable {
  var eventsWith = MeanAccumulator(), eventsWithout = MeanAccumulator(), avertedEvents = MeanAccumulator()
  var avertedCost = MeanAccumulator(), programmeCost = MeanAccumulator(), netSaving = MeanAccumulator()
  var netSavingPositive = ProportionCounter()

  mutating func add(eventsWith e1: Double, eventsWithout e0: Double, costWith c1: Double, costWithout c0: Double, programme p: Double) {
    eventsWith.add(e1); eventsWithout.add(e0); avertedEvents.add(e0 - e1)
    avertedCost.add(c0 - c1); programmeCost.add(p)
    netSaving.add(c0 - c1 - p)
    netSavingPositive.add(c0 - c1 - p > 0)
  }

  mutating func merge(_ o: OutcomeCell) {
    eventsWith.merge(o.eventsWith); eventsWithout.merge(o.eventsWithout); avertedEvents.merge(o.avertedEvents)
    avertedCost.merge(o.avertedCost); programmeCost.merge(o.programmeCost); netSaving.merge(o.netSaving)
    netSavingPositive.merge(o.netSavingPositive)
  }
}

/// Per intervention, one ``OutcomeCell`` per year and one for the horizon, `K × (Y + 1)`.
struct OutcomeAccumulator: Sendable {
  let years: Int
  var cells: [OutcomeCell]
  /// The horizon cost of need of every pool (programme costs included), and whether it
  /// exceeded the budget the run was given.
  var totalCost = MeanAccumulator()
  var overBudget = ProportionCounter()
  /// Under RQMC: the same sums for each replicate alone (empty under plain Monte Carlo).
  var replicates: [OutcomeAccumulator] = []

  init(interventions: Int, years: Int) {
    self.years = years
    cells = [OutcomeCell](repeating: OutcomeCell(), count: interventions * (years + 1))
  }

  /// Adds one iteration's paths (no allocation: the horizon's sums are five scalars).
  mutating func add(_ paths: InterventionPaths) {
    for k in 0..<paths.interventions {
      var e1 = 0.0, e0 = 0.0, c1 = 0.0, c0 = 0.0, p = 0.0
      for y in 0..<years {
        let ye1 = paths[k, year: y, .eventsWith], ye0 = paths[k, year: y, .eventsWithout]
        let yc1 = paths[k, year: y, .costWith], yc0 = paths[k, year: y, .costWithout], yp = paths[k, year: y, .programmeCost]
        cells[k * (years + 1) + y].add(eventsWith: ye1, eventsWithout: ye0, costWith: yc1, costWithout: yc0, programme: yp)
        e1 += ye1; e0 += ye0; c1 += yc1; c0 += yc0; p += yp
      }
      cells[k * (years + 1) + years].add(eventsWith: e1, eventsWithout: e0, costWith: c1, costWithout: c0, programme: p)
    }
  }

  mutating func merge(_ o: OutcomeAccumulator) {
    for i in cells.indices { cells[i].merge(o.cells[i]) }
    totalCost.merge(o.totalCost); overBudget.merge(o.overBudget)
  }
}

/// The worker of an outcome run: the tile at full delivery, then each row's paths.
final class OutcomeWorker: TileWorker {
  let workspace: TileWorkspace
  private var paths: InterventionPaths
  @exclusivity(unchecked) var accumulator: OutcomeAccumulator
  /// Under RQMC: each replicate's sums (empty under plain Monte Carlo).
  @exclusivity(unchecked) var replicates: [OutcomeAccumulator]

  private let cells: TileCells
  private let width: Int
  private let budget: Double
  /// Under rationing: the ledger that walks each row under `evaluation` first.
  private let ledger: BudgetLedger?
  private let evaluation: Evaluation?

  init(plan: SimulationPlan, budget: Double, rationedAt evaluation: Evaluation? = nil, sampling: Sampling = .plain) {
    let workspace = TileWorkspace(plan: plan)
    workspace.factorPoints = FactorPoints(sampling, factors: plan.factors.count)
    self.workspace = workspace
    cells = TileCells(workspace)
    ledger = evaluation.map { _ in BudgetLedger(plan: plan, cells: TileCells(workspace)) }
    self.evaluation = evaluation
    width = plan.periods * plan.serviceCount
    self.budget = budget
    paths = InterventionPaths(interventions: plan.interventionNames.count, years: plan.years)
    accumulator = OutcomeAccumulator(interventions: plan.interventionNames.count, years: plan.years)
    replicates = Array(repeating: accumulator, count: workspace.factorPoints?.replicates ?? 0)
  }

  func process(tile t: Int, active: Range<Int>, seed: UInt64) {
    workspace.simulate(tile: t, active: active, seed: seed)
    for r in active {
      var delivered: Buffer<Double>? = nil
      if let ledger, let evaluation {
        // Full delivery where no pool rations on the walk (it then leaves the shares alone).
        ledger.interventionDelivery.fill(1)
        _ = ledger.walk(row: r, iteration: t * TileWorkspace.rows + r, seed: seed, evaluation: evaluation, detailed: false)
        delivered = ledger.interventionDelivery
      }
      workspace.interventionPaths(row: r, iteration: t * TileWorkspace.rows + r, seed: seed, delivered: delivered, into: &paths)
      accumulator.add(paths)
      if !replicates.isEmpty { replicates[(t * TileWorkspace.rows + r) % replicates.count].add(paths) }
      let row = cells.cost(row: r)
      var total = 0.0
      for i in 0..<width { total += row[i] }
      accumulator.totalCost.add(total)
      accumulator.overBudget.add(total > budget)
    }
  }
}
