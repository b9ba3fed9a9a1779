import BudgetRiskNumerics

/// The figures of a design comparison (`budget-risk compare`), ready for the table, JSON and CSV.
///
/// Every design was run on common random numbers, so each difference from the baseline is a
/// paired difference: the mean of the per-iteration differences ± 1.96 standard errors of
/// those differences. `unpairedHalfWidth` is what the interval would be from the two designs'
/// separate standard errors, `1.96·√(SE_a² + SE_b²)`, to show what pairing bought.
public struct ComparisonFigures: Codable, Sendable, Equatable {
  public var iterations: UInt64
  public var seed: UInt64
  public var currency: String
  public var baseline: String
  /// `overspend`, `gap`, `expected-overspend` or `tvar95`.
  public var rankBy: String
  public var designs: [ComparedDesign]
  /// One entry per proposed budget × response shared by every design.
  public var budgets: [BudgetComparison]
  /// P(design a's cost of need < design b's) for every ordered pair, at `costComparedAt`.
  public var costOfNeedLess: [PairProbability]
  /// The shared budget whose cost of need `costOfNeedLess` compares (the first shared one).
  public var costComparedAt: String
  /// The budgets every design was held to: `baseline`, `amounts` or `own` (``ComparisonBasis``).
  public var basis: String
  /// The basis in words, stated at the top of every output.
  public var basisNote: String
  /// EVPPI of each input for the choice of design, and the EVPI (``ValueOfInformation``).
  public var valueOfInformation: ValueOfInformation
  /// Under `--sampling rqmc`: how the designs were sampled and what the replicate intervals
  /// are; absent under plain Monte Carlo.
  public var sampling: ComparisonSampling? = nil
}

public struct ComparedDesign: Codable, Sendable, Equatable {
  public var name: String
  public var description: String
  public var file: String
}

public struct BudgetComparison: Codable, Sendable, Equatable {
  public var proposal: String
  /// The contingency margin where every design's proposal is a margin.
  public var margin: Double?
  public var response: String
  /// Designs in rank order (best first by `rankBy`).
  public var rows: [DesignRow]
  /// Pairs of designs whose every compared figure is equal on every iteration here (to
  /// ``DesignComparison/tieTolerance``): path-for-path identical under this response.
  public var identicalPairs: [[String]]
}

public struct DesignRow: Codable, Sendable, Equatable {
  public var design: String
  /// 1 = best by the ranking measure; designs with equal values share a rank (listed in design order).
  public var rank: Int
  /// The ranking measure's value (money for `expected-overspend` and `tvar95`).
  public var rankValue: Double
  public var figures: [ComparedFigure]
  /// Designs no worse on both P(overspend) and P(service gap) and significantly better on
  /// one (paired 95 % interval excluding 0).
  public var dominatedBy: [Dominance]
  /// The budget on the total scope, money a year (its mean over the iterations; fixed in
  /// money on a common basis).
  public var budgetPerYear: Double
  /// The expected cost of need on the total scope, money a year (simulated mean).
  public var costOfNeedPerYear: Double
  /// Each pool (partner, funding stream) against its own budget: a partner pays its own
  /// pool's overspend whatever the total does.
  public var partners: [PartnerFigures]
  /// P(at least one pool overspends its own budget); the total's P(overspend) for one pool.
  public var anyPartnerOverspends: Probability
  /// The sum of the pools' own expected overspends (money, horizon): what the partners pay
  /// between them, at least the total's expected overspend.
  public var partnersExpectedOverspend: Double
}

/// One pool of a design in a comparison, against its own budget.
public struct PartnerFigures: Codable, Sendable, Equatable {
  public var pool: String
  public var budgetPerYear: Double
  public var overspendProbability: Probability
  /// Money over the horizon.
  public var expectedOverspend: Estimate
  /// Under a risk share: the provider's and the funder's expected result (money, horizon;
  /// see `RiskShareFigures`); absent without one.
  public var providerResult: Estimate?
  public var funderResult: Estimate?
}

public struct ComparedFigure: Codable, Sendable, Equatable {
  /// `cost_of_need`, `expected_overspend` (money), `drift`, `unmet_share`,
  /// `overspend_probability`, `service_gap_probability`.
  public var figure: String
  public var value: Estimate
  /// This design minus the baseline; nil for the baseline itself.
  public var difference: PairedDifference?
  /// Under `--sampling rqmc`: the value's 95 % Student-t interval over the replicates.
  public var replicates: ReplicateInterval? = nil
}

public struct PairedDifference: Codable, Sendable, Equatable {
  public var mean: Double
  public var standardError: Double
  public var lower: Double
  public var upper: Double
  public var unpairedHalfWidth: Double
  public var excludesZero: Bool
  /// Under `--sampling rqmc`: the paired difference's 95 % Student-t interval over the
  /// replicates (every design on the same points of each replicate): the honest interval
  /// there; the standard error and bounds above are plain Monte Carlo's and overstate it.
  public var replicates: ReplicateInterval? = nil
}

public struct Dominance: Codable, Sendable, Equatable {
  public var design: String
  /// Whether the paired 95 % interval of the difference excludes 0 on a figure where the
  /// dominating design is strictly better.
  public var significant: Bool
}

public struct PairProbability: Codable, Sendable, Equatable {
  public var design: String
  public var other: String
  /// P(design's cost of need < other's), ties not counted.
  public var probability: Probability
  /// P(the two costs of need are equal), to ``DesignComparison/tieTolerance``.
  public var tie: Probability
}

/// How designs are ranked.
public enum RankMeasure: String, CaseIterable, Codable, Sendable {
  case overspend
  case gap
  case expectedOverspend = "expected-overspend"
  case tvar95
}

extension ComparisonFigures {
  /// The figures of `run`, ranked by `rankBy`.
  public init(_ run: ComparisonRun, rankBy: RankMeasure) {
    self.init(run, designFigures: run.runs.map(RunFigures.init), rankBy: rankBy)
  }

  /// The figures of `run`, given each design's own figures (`RunFigures(run.runs[d])`, which
  /// a caller that reports them too has already built).
  public init(_ run: ComparisonRun, designFigures perDesign: [RunFigures], rankBy: RankMeasure) {
    precondition(perDesign.count == run.runs.count, "one RunFigures per design")
    let acc = run.accumulator
    let D = run.designs.count, K = run.shared.count, b = run.baseline
    let figures = ComparisonAccumulator.figures, F = figures.count
    let scale = run.references[b]
    let z = CriticalValue.z95

    iterations = acc.iterations
    seed = run.options.seed
    currency = run.designs[b].scenario.currency
    baseline = run.designs[b].name
    self.rankBy = rankBy.rawValue
    designs = run.designs.map {
      ComparedDesign(name: $0.name, description: $0.description, file: $0.scenario.sourcePath)
    }
    costComparedAt = run.shared.first.map { "\($0.proposal), \($0.response.rawValue)" } ?? ""
    basis = run.basis.name
    sampling = run.replicates.map { ComparisonSampling(replicates: $0.replicates, iterations: acc.iterations) }
    valueOfInformation = ValueOfInformation(
      acc, factors: run.factorNames, designs: D, scale: scale, at: costComparedAt)
    basisNote = Self.basisNote(run.basis, baseline: run.designs[b].name)
    costOfNeedLess = (0..<D).flatMap { a in
      (0..<D).filter { $0 != a }.map { c in
        PairProbability(
          design: run.designs[a].name, other: run.designs[c].name,
          probability: Probability(acc.costLess[a * D + c]), tie: Probability(acc.costTie[a * D + c]))
      }
    }

    budgets = run.shared.enumerated().map { k, key in
      func estimate(_ m: MeanAccumulator, _ f: DesignComparison.Figure) -> (Double, Double) {
        let u = f.isMoney ? scale : 1
        return (m.mean * u, m.standardError * u)
      }
      var rows: [DesignRow] = (0..<D).map { d in
        let compared = figures.enumerated().map { f, figure -> ComparedFigure in
          let i = (d * K + k) * F + f
          let (mean, se) = estimate(acc.value[i], figure)
          var difference: PairedDifference?
          if d != b {
            let (dm, ds) = estimate(acc.difference[i], figure)
            let (_, baseSE) = estimate(acc.value[(b * K + k) * F + f], figure)
            difference = PairedDifference(
              mean: dm, standardError: ds, lower: dm - z * ds, upper: dm + z * ds,
              unpairedHalfWidth: z * (se * se + baseSE * baseSE).squareRoot(),
              excludesZero: dm - z * ds > 0 || dm + z * ds < 0)
            difference?.replicates = run.replicates?.interval(design: d, shared: k, figure: f, paired: true, scale: figure.isMoney ? scale : 1)
          }
          return ComparedFigure(
            figure: figure.rawValue, value: Estimate(mean: mean, standardError: se), difference: difference,
            replicates: run.replicates?.interval(design: d, shared: k, figure: f, paired: false, scale: figure.isMoney ? scale : 1))
        }
        let rankValue: Double
        switch rankBy {
        case .overspend: rankValue = compared[4].value.mean
        case .gap: rankValue = compared[5].value.mean
        case .expectedOverspend: rankValue = compared[1].value.mean
        case .tvar95:
          let e = run.layoutEvaluation(design: d, shared: k)
          let scope = perDesign[d].budgets[e].scopes.last
          rankValue = scope?.tailValueAtRisk.first { $0.level == 0.95 }?.value ?? .nan
        }
        let e = run.layoutEvaluation(design: d, shared: k)
        let years = Double(max(perDesign[d].budgetYears, 1))
        let total = perDesign[d].budgets[e].scopes.last
        let scopes = perDesign[d].budgets[e].scopes
        let pools = scopes.count > 1 ? Array(scopes.dropLast()) : scopes
        let partners = pools.map { x in
          PartnerFigures(
            pool: x.scope, budgetPerYear: x.budget.mean / years, overspendProbability: x.overspendProbability,
            expectedOverspend: x.expectedOverspend, providerResult: x.riskShare?.providerResult,
            funderResult: x.riskShare?.funderResult)
        }
        return DesignRow(
          design: run.designs[d].name, rank: 0, rankValue: rankValue, figures: compared, dominatedBy: [],
          budgetPerYear: (total?.budget.mean ?? .nan) / years, costOfNeedPerYear: (total?.costOfNeed.mean ?? .nan) / years,
          partners: partners, anyPartnerOverspends: Probability(acc.anyPool[d * K + k]),
          partnersExpectedOverspend: partners.reduce(0) { $0 + $1.expectedOverspend.mean })
      }
      for d in 0..<D {
        rows[d].dominatedBy = (0..<D).compactMap { other in
          Self.dominance(of: d, by: other, rows: rows, pairwise: { a, c, f in acc.pairwiseDifference(a, c, k, f, D: D, K: K) })
            .map { Dominance(design: run.designs[other].name, significant: $0) }
        }
      }
      let order = rows.indices.sorted { (rows[$0].rankValue, $0) < (rows[$1].rankValue, $1) }
      // Equal values (to the tie tolerance) share a rank: a tie is not an order.
      for d in rows.indices {
        let v = rows[d].rankValue
        rows[d].rank = 1 + rows.indices.filter { rows[$0].rankValue < v && !DesignComparison.same(rows[$0].rankValue, v) }.count
      }
      let margins = (0..<D).map { d -> Double? in
        let e = run.layoutEvaluation(design: d, shared: k)
        return perDesign[d].budgets[e].margin
      }
      // On the baseline's budgets every design has the baseline's proposal in money: its margin
      // is the baseline's (on the baseline's base budget).
      let margin = run.basis == .baseline
        ? run.runs[b].plan.proposals.first { $0.label == key.proposal }?.margin
        : (margins.allSatisfy({ $0 != nil && $0 == margins[0] }) ? margins[0] : nil)
      let identicalPairs = (0..<D).flatMap { a in
        ((a + 1)..<max(a + 1, D)).compactMap { c -> [String]? in
          let n = acc.identical[(a * D + c) * K + k]
          return n.trials > 0 && n.successes == n.trials ? [run.designs[a].name, run.designs[c].name] : nil
        }
      }
      return BudgetComparison(
        proposal: key.proposal, margin: margin, response: key.response.rawValue, rows: order.map { rows[$0] },
        identicalPairs: identicalPairs)
    }
  }

  /// Whether design `d` is dominated by `other`: no worse on both P(overspend) and P(service
  /// gap) at the point estimates, and significantly better on at least one (the paired 95 %
  /// interval of `d − other` above 0). A difference that is not significant decides nothing,
  /// so two designs that differ only by noise, or not at all, do not dominate each other.
  /// Returns nil when not dominated, else `true` (the flag is kept for the JSON layout).
  ///
  /// - Parameter pairwise: the paired difference (mean, SE) of `a − c` on figure 0
  ///   (overspend) or 1 (service gap).
  package static func dominance(
    of d: Int, by other: Int, rows: [DesignRow], pairwise: (Int, Int, Int) -> (mean: Double, se: Double)
  ) -> Bool? {
    guard d != other else { return nil }
    let mine = [rows[d].figures[4].value.mean, rows[d].figures[5].value.mean]
    let theirs = [rows[other].figures[4].value.mean, rows[other].figures[5].value.mean]
    guard theirs[0] <= mine[0], theirs[1] <= mine[1] else { return nil }
    let z = CriticalValue.z95
    let decided = (0..<2).contains { f in
      guard theirs[f] < mine[f] else { return false }
      let p = pairwise(d, other, f)
      return p.mean - z * p.se > 0
    }
    return decided ? true : nil
  }

  /// The basis in words.
  static func basisNote(_ basis: ComparisonBasis, baseline: String) -> String {
    switch basis {
    case .baseline:
      return "every design is held to the same budgets in money: the baseline (\(baseline))'s proposed budgets, "
        + "per pool where a design has the baseline's pools, else the baseline's total split over the design's pools "
        + "in proportion to its base budget"
    case .amounts:
      return "every design is held to the same budgets in money, stated a year (--budget), spread over each design's "
        + "pools and periods in proportion to its base budget"
    case .own:
      return "each design is held to its own proposed budgets (margins on its own base budget): the budgets differ in "
        + "money between designs, so P(overspend) compares pots of different sizes, not designs on a common footing"
    }
  }
}

extension ComparisonRun {
  func layoutEvaluation(design d: Int, shared k: Int) -> Int {
    let key = shared[k]
    return runs[d].evaluations.firstIndex { $0.budget.label == key.proposal && $0.response == key.response }!
  }
}
