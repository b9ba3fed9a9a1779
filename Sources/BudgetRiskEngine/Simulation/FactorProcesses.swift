import Foundation
import BudgetRiskModel

/// The plan's factor processes (``FactorProcess``): what each wanders, and the copula
/// factor of their innovations.
///
/// The innovations of processes `q` and `q′` at one step have the copula's normal
/// correlation between their factors (the levels' correlation, step by step); processes with
/// different steps are uncorrelated (the reader refuses a correlation between them).
package struct FactorProcesses: Sendable {
  /// Number of factors with a process, `Q`.
  package let count: Int
  /// The factor of each process: process `q` is factor `factors[q]`.
  package let factors: [Int]
  /// φ per process (1 for a random walk), σ, and whether it steps by budget year.
  let phi: [Double], sigma: [Double], yearly: [Bool]
  /// Stream keys (``StreamID/innovation(_:)``), from the factors' names.
  let streamKey: [UInt32]
  /// Lᵀ, `Q × Q`, with L·Lᵀ the innovations' correlation.
  let lowerTransposed: [Double]
  /// Processes multiplying each service's rate (`V` lists) and each segment's rate (`S`).
  let serviceRate: [[Int]], segmentRate: [[Int]]
  /// Processes multiplying each service's unit cost, and its realised yearly inflation (`V` lists).
  let unitCost: [[Int]], inflation: [[Int]]
  /// Whether any process touches a price (unit cost or inflation).
  let movesPrices: Bool
  /// Processes realising each segment's growth (`S` lists), and whether there is one.
  let growth: [[Int]]
  let movesPopulation: Bool
  /// Steps whose innovations are drawn: every period if any process steps by period, else
  /// the budget years (a yearly process reads only those; the draws are the same either way,
  /// each process's stream being read in step order).
  let drawnSteps: Int

  var isEmpty: Bool { count == 0 }

  /// - Parameter normalCorrelation: the copula's normal correlation, `F × F`.
  init(_ scenario: Scenario, normalCorrelation: [Double]) {
    let F = scenario.factors.count
    let targets = ProcessTargets(scenario)
    let indices = targets.factors
    let processes = scenario.factors.compactMap(\.process)
    count = indices.count
    factors = indices
    phi = processes.map(\.phi); sigma = processes.map(\.sigma); yearly = processes.map { $0.step == .year }
    streamKey = indices.map { StreamID.key(scenario.factors[$0].name) }
    let sub = indices.flatMap { i in indices.map { j in normalCorrelation[i * F + j] } }
    let Q = count
    let lower = CorrelationMatrix.lowerFactor(pearson: sub, count: Q)
    var lt = [Double](repeating: 0, count: Q * Q)
    for i in 0..<Q { for j in 0..<Q { lt[j * Q + i] = lower[i * Q + j] } }
    lowerTransposed = lt
    serviceRate = targets.serviceRate; segmentRate = targets.segmentRate
    unitCost = targets.unitCost; inflation = targets.inflation
    movesPrices = unitCost.contains { !$0.isEmpty } || inflation.contains { !$0.isEmpty }
    growth = targets.growth
    movesPopulation = growth.contains { !$0.isEmpty }
    drawnSteps = processes.contains { $0.step == .period } ? scenario.horizon.periods : scenario.horizon.budgetYears
  }
}
