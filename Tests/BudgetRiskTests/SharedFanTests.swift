import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// The absorb fans read off one histogram per scope and period (`SharedFans`): under the one
/// absorb pass each evaluation's fan value is `c(t)·(1 + d_σ(t)) − 1` of the source's, and the
/// derived quantiles must lie within their stated resolution `c·w` of the exact sample
/// quantiles. The tolerances here are the histograms' binning bounds (deterministic: the map
/// keeps ranks, so no Monte Carlo error enters a comparison at the same paths), plus 1e−12
/// for rounding in the map.
@Suite struct SharedFanTests {
  /// Exact sample quantile `X₍ᵣ₎`, `r = ⌈n·q⌉` clamped to `[1, n]` (`LogLinearQuantiles`'s target).
  static func sampleQuantile(_ sorted: [Double], _ q: Double) -> Double {
    let n = sorted.count
    return sorted[min(max(Int((Double(n) * q).rounded(.up)), 1), n) - 1]
  }

  @Test func derivedQuantilesAreWithinTheirStatedBoundOfTheExactOnes() {
    var rng = SummaryTestRandom(seed: 7)
    // Drifts around 0 (half negative), a few beyond ±0.5 (the relative zone) and exact zeros.
    let d: [Double] = (0..<4000).map { i in
      if i % 97 == 0 { return 0 }
      let z = (rng.uniform() - 0.5) * (i % 5 == 0 ? 4 : 0.6)
      return z
    }
    var h = LogLinearQuantiles(layout: .path)
    for x in d { h.add(x) }
    let u = LogLinearLayout.path.unit, relative = 1 / Double(1 << LogLinearLayout.path.subBucketBits)
    var checked = 0
    // c = 1 (margin 0 against itself), below 1 (a larger margin against margin 0), above 1.
    for c in [1.0, 1 / 1.025, 1 / 1.1, 1 / 1.25, 1 / 1.5, 1.05] {
      let exact = d.map { SharedFans.map($0, scale: c) }.sorted()
      for q in RunFigures.fanLevels + [0.01, 0.3, 0.99] {
        let figure = QuantileFigure(h, level: q, driftScale: c)
        let target = Self.sampleQuantile(exact, q)
        #expect(abs(figure.value - target) <= figure.resolution + 1e-12, "c \(c) q \(q)")
        #expect(figure.lower <= figure.value && figure.value <= figure.upper)
        // The stated bound: c·w ≤ max(c·u, 2⁻ᵐ·(|d| + |1 − c|)), d the derived quantile.
        #expect(figure.resolution <= max(c * u, relative * (abs(target) + abs(1 - c))) * (1 + 1e-9) + 1e-12)
        checked += 1
      }
    }
    #expect(checked == 6 * 12)
    // Margin 0 against itself reads exactly the recorded figure.
    for q in RunFigures.fanLevels {
      #expect(QuantileFigure(h, level: q, driftScale: 1) == QuantileFigure(h, level: q))
    }
  }

  /// Server-scale over the same tiles: a worker that shares the absorb fans and one that
  /// records every fan. Everything but the derived evaluations' fans is the same to the bit;
  /// the derived fans (through `RunFigures`) are within both resolutions of the recorded ones
  /// (each is within its own bucket of the same exact sample quantile).
  @Test func derivedFansAgreeWithRecordedFansOnServerScale() throws {
    let path = UnrationedWalkTests.bundled.last!
    let plan = try SimulationPlan(ScenarioLoader.load(path: path))
    let evaluations = plan.scenarioEvaluations
    let fans = SharedFans(plan: plan, evaluations: evaluations)
    let derived = fans.sources.indices.filter { fans.sources[$0] != nil }
    let absorb = evaluations.indices.filter { evaluations[$0].response == .absorb }
    // Not vacuous: every absorb margin but the source's is derived, from margin 0.
    #expect(derived.count == absorb.count - 1 && derived.count >= 10)
    let source = try #require(fans.sources[derived[0]]).evaluation
    #expect(evaluations[source].budget.margin == absorb.map { evaluations[$0].budget.margin! }.min())

    let seed: UInt64 = 5, tiles = 4
    let sharing = RunWorker(plan: plan, evaluations: evaluations)
    let recording = RunWorker(plan: plan, evaluations: evaluations, shareAbsorbFans: false)
    for t in 0..<tiles {
      sharing.process(tile: t, active: 0..<TileWorkspace.rows, seed: seed)
      recording.process(tile: t, active: 0..<TileWorkspace.rows, seed: seed)
    }
    var recorded = recording.accumulator
    for e in derived {
      for s in plan.scopes.indices {
        #expect(sharing.accumulator.evaluations[e].scopes[s].driftPath.allSatisfy { $0.count == 0 })
        recorded.evaluations[e].scopes[s].driftPath = sharing.accumulator.evaluations[e].scopes[s].driftPath
      }
    }
    #expect(recorded == sharing.accumulator, "only the derived fans are left out")

    let run = try Engine.run(plan, options: RunOptions(iterations: tiles * TileWorkspace.rows, seed: seed, threads: 1))
    #expect(run.accumulator.evaluations[source] == sharing.accumulator.evaluations[source])
    let figures = RunFigures(run)
    var compared = 0, negative = 0
    for e in derived {
      for s in plan.scopes.indices {
        let histograms = recording.accumulator.evaluations[e].scopes[s].driftPath
        for (t, period) in figures.budgets[e].scopes[s].driftPath.enumerated() {
          for figure in period.quantiles {
            let direct = QuantileFigure(histograms[t], level: figure.level)
            #expect(
              abs(figure.value - direct.value) <= figure.resolution + direct.resolution + 1e-12,
              "evaluation \(e) scope \(s) period \(t) level \(figure.level)")
            compared += 1
            if figure.value < 0 { negative += 1 }
          }
        }
      }
    }
    #expect(compared == derived.count * plan.scopes.count * plan.periods * RunFigures.fanLevels.count)
    #expect(negative > 0, "negative drifts are among the derived quantiles")
    // The source's own figures are its recorded histograms'.
    for s in plan.scopes.indices {
      for (t, period) in figures.budgets[source].scopes[s].driftPath.enumerated() {
        let h = recording.accumulator.evaluations[source].scopes[s].driftPath[t]
        #expect(period.quantiles == RunFigures.fanLevels.map { QuantileFigure(h, level: $0) })
      }
    }
  }
}

extension ScopeFigures {
  /// Whether `self` equals `other` but for the drift fans, which agree within their two
  /// resolutions (each within its own of the same sample quantile): for comparing a scope of a
  /// run whose absorb fans are read off one margin's (``SharedFans``) with the same scope of a
  /// run that records them (a plan the absorb pass does not take).
  func equalsUpToSharedFan(_ other: ScopeFigures) -> Bool {
    var same = self
    same.driftPath = other.driftPath
    guard same == other, driftPath.count == other.driftPath.count else { return false }
    for (a, b) in zip(driftPath, other.driftPath) {
      guard a.period == b.period, a.quantiles.count == b.quantiles.count else { return false }
      for (x, y) in zip(a.quantiles, b.quantiles)
      where x.level != y.level || abs(x.value - y.value) > x.resolution + y.resolution + 1e-12 {
        return false
      }
    }
    return true
  }
}
