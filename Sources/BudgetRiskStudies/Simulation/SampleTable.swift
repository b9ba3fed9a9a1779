@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskEngine

/// One row per iteration of a run's key outcomes (`run --samples`), in iteration order:
/// for analysts who want the joint distribution, not only the figures.
///
/// Columns, in order (`names`):
/// - `iteration`: the global iteration number (a shard's rows start at its first iteration);
/// - `factor.NAME`: each uncertain factor's value in that iteration (its level, for a factor
///   with a process);
/// - `process.NAME.yearK`: for each factor with a process, its multiplier `exp(X)` in budget
///   year K (the year's state; the mean over the year's periods for `step: period`): a rate
///   or unit-cost multiplier is `factor.NAME` times it, an inflation or growth rate realised
///   in year K is `(1 + factor.NAME)·it − 1` (``TileWorkspace/processYearMultiplier(row:process:year:)``);
/// - `cost_of_need.SCOPE.yearK`: the cost of need of each scope (pools, then `total`) in each
///   budget year, under the first `absorb` evaluation (the same under every absorb budget;
///   else under the first evaluation);
/// - per proposed budget and response, on the total scope, `overspent.PROPOSAL.RESPONSE`
///   (1 when the horizon's cost of need exceeded the budget, as counted for P(overspend)),
///   `overspend.PROPOSAL.RESPONSE` (the amount, 0 if none) and `unmet_share.PROPOSAL.RESPONSE`
///   (the share of need left unmet, the service gap's measure).
///
/// The mean of an `overspent` column is the run's P(overspend) at that budget exactly: the
/// same comparisons the accumulators count.
public struct SampleTable: Sendable {
  public let names: [String]
  /// Which columns hold whole numbers (written without a decimal point).
  public let isInteger: [Bool]
  /// `rows × names.count` values, row-major.
  public package(set) var values: [Double]
  public var rowCount: Int { names.isEmpty ? 0 : values.count / names.count }

  package init(plan: SimulationPlan, evaluations: [Evaluation]) {
    var names = ["iteration"], isInteger = [true]
    for f in plan.factors { names.append("factor.\(f.name)"); isInteger.append(false) }
    for f in plan.processes.factors {
      for y in 0..<plan.years { names.append("process.\(plan.factors[f].name).year\(y + 1)"); isInteger.append(false) }
    }
    for s in plan.scopes {
      for y in 0..<plan.years { names.append("cost_of_need.\(s.name).year\(y + 1)"); isInteger.append(false) }
    }
    for e in evaluations {
      let key = "\(e.budget.label).\(e.response.rawValue)"
      names += ["overspent.\(key)", "overspend.\(key)", "unmet_share.\(key)"]
      isInteger += [true, false, false]
    }
    (self.names, self.isInteger, values) = (names, isInteger, [])
  }
}

/// A worker's rows, per tile, gathered in tile order at the end of a run. Only a run asked
/// for samples has one: the plain run's loop only tests that it is absent.
final class SampleRecorder {
  let width: Int, factors: Int, years: Int, scopes: Int
  /// Factor processes, and the columns before the cost of need (iteration, factors, processes).
  let processes: Int, leading: Int
  /// The evaluation whose cost of need fills the `cost_of_need` columns.
  let costEvaluation: Int
  private(set) var tiles: [(tile: Int, values: [Double])] = []
  private var current: [Double] = []
  private var first = 0

  init(table: SampleTable, plan: SimulationPlan, evaluations: [Evaluation]) {
    width = table.names.count
    factors = plan.factors.count
    years = plan.years
    scopes = plan.scopes.count
    processes = plan.processes.count
    leading = 1 + factors + processes * years
    costEvaluation = evaluations.firstIndex { $0.response == .absorb } ?? 0
  }

  /// Starts tile `t`'s rows `active`: iteration numbers and factor values.
  func begin(tile t: Int, active: Range<Int>, workspace: TileWorkspace) {
    first = active.lowerBound
    current = [Double](repeating: 0, count: active.count * width)
    for r in active {
      let row = (r - first) * width
      current[row] = Double(t * TileWorkspace.rows + r)
      let values = workspace.factorValues(row: r)
      for f in 0..<factors { current[row + 1 + f] = values[f] }
      for q in 0..<processes {
        for y in 0..<years {
          current[row + 1 + factors + q * years + y] = workspace.processYearMultiplier(row: r, process: q, year: y)
        }
      }
    }
  }

  /// Adds row `r`'s outcome under evaluation `e`.
  func record(_ o: PathOutcome, evaluation e: Int, row r: Int) {
    let row = (r - first) * width
    if e == costEvaluation {
      for s in 0..<scopes {
        for y in 0..<years { current[row + leading + s * years + y] = o.costOfNeed(scope: s, year: y) }
      }
    }
    let total = o.scopes[o.scopes.count - 1]
    let column = row + leading + scopes * years + 3 * e
    current[column] = total.overspent ? 1 : 0
    current[column + 1] = max(0, total.costOfNeed - total.budget)
    current[column + 2] = total.unmetShare
  }

  func end(tile t: Int) { tiles.append((t, current)) }
}

extension SampleTable {
  /// The rows of every worker's recorder, in iteration order.
  mutating func gather(_ recorders: [SampleRecorder]) {
    for tile in recorders.flatMap(\.tiles).sorted(by: { $0.tile < $1.tile }) { values += tile.values }
  }
}
