import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies

/// The precision schedule: projected batch totals on the ``PointGrid`` (4, 5, 6, 7 × 2ᵉ points
/// per replicate), and RQMC runs at those counts — exact replays, honest and still variance-reducing.
@Suite struct PrecisionScheduleTests {
  /// The grid below 65: 1–8 and then four steps a doubling.
  @Test func theGridIsFourStepsADoubling() {
    let expected = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64]
    #expect((1...64).filter(PointGrid.contains) == expected)
    #expect(!PointGrid.contains(0) && !PointGrid.contains(-4))
    for n in 1...5_000 {
      let up = PointGrid.atOrAbove(n), down = PointGrid.atOrBelow(n), next = PointGrid.after(n)
      #expect(PointGrid.contains(up) && PointGrid.contains(down) && PointGrid.contains(next))
      #expect(down <= n && n <= up && next > n)
      // Nothing on the grid lies strictly between them.
      if down < up { #expect(((down + 1)..<up).allSatisfy { !PointGrid.contains($0) }, "\(n)") }
      // A step from a grid count is a quarter of the power of two at or below it.
      if PointGrid.contains(n) { #expect(next - n == max(1, (1 << (Int.bitWidth - n.leadingZeroBitCount - 1)) / 4)) }
    }
  }

  /// `run --iterations N` keeps every count on the grid, so the manifest's `reproduce` line
  /// (the precision run's final total) replays it; other counts go to the nearest on a log scale.
  @Test func usableIterationsKeepsEveryGridCountAndRoundsTheRest() {
    let sampling = Sampling.rqmc(replicates: 16)
    var n = 1
    while n < 1 << 22 {
      #expect(sampling.usableIterations(near: 16 * n) == 16 * n, "\(n)")
      #expect(sampling.problem(iterations: 16 * n, factors: 1) == nil)
      n = PointGrid.after(n)
    }
    #expect(sampling.usableIterations(near: 10_000) == 10_240)  // 625 per replicate: 640 (not 512)
    #expect(sampling.usableIterations(near: 16 * 9) == 16 * 10)  // 9: 10 is nearer than 8 on a log scale
    #expect(sampling.usableIterations(near: 1) == 16)
    // Off the grid: refused with what is allowed.
    let problem = sampling.problem(iterations: 16 * 9, factors: 1)
    #expect(problem?.contains("4, 5, 6 or 7 × a power of two") == true && problem?.contains("160 would do") == true)
    #expect(sampling.problem(iterations: 16 * 96 + 1, factors: 1) != nil)
  }

  /// Projected totals land on the grid, grow at least one step, reach the projection and
  /// never pass the cap — for plain Monte Carlo (R = 1) and RQMC replicates.
  @Test func projectedTotalsLandOnTheGridGrowAStepAndRespectTheCap() {
    for replicates in [1, 16] {
      for cap in [5_000, 100_000, 10_000_000] {
        let target = PrecisionTarget(halfWidth: 0.0025, maxIterations: cap)
        let top = target.cap(replicates: replicates)
        #expect(top <= cap && (replicates == 1 ? top == cap : PointGrid.contains(top / replicates) && top % replicates == 0))
        var n = replicates == 1 ? 1_000 : 16
        while replicates * n < top {
          for ratio in [1.0001, 1.05, 1.2, 1.6, 3, 40, .infinity] {
            let total = replicates * n, h = 0.0025 * ratio
            let next = target.projectedTotal(after: total, achieved: h, replicates: replicates)
            #expect(next <= top && next > total, "\(total) \(ratio)")
            guard next < top else { continue }
            #expect(next % replicates == 0 && PointGrid.contains(next / replicates), "\(replicates) \(total) \(ratio) \(next)")
            // At least one grid step (from an off-grid first batch: at least an eighth more).
            #expect(next / replicates >= PointGrid.atOrAbove(n + PointGrid.spacing(at: n)))
            if ratio.isFinite {
              // The projection rounded up to the grid, or one step; under RQMC at most a doubling.
              let projected = Int((Double(n) * ratio * ratio).rounded(.up))
              let expected = max(PointGrid.atOrAbove(projected), PointGrid.atOrAbove(n + PointGrid.spacing(at: n)))
              #expect(next / replicates == (replicates > 1 ? min(expected, 2 * n) : expected))
              #expect(Double(next) >= Double(total) * min(ratio * ratio, replicates > 1 ? 2 : .infinity) * (1 - 1e-12), "\(total) \(ratio)")
            } else {
              #expect(next == replicates * PointGrid.atOrAbove(2 * n))
            }
          }
          n = PointGrid.after(n)
        }
      }
    }
    // Worked cases: 16 × 256 at h = 0.003 projects 368.6 per replicate → 384 (6,144 iterations);
    // at h = 0.00483 it projects 955.6 → 1,024, but RQMC at most doubles: 16 × 512; just above
    // the target, one step (16 × 320); plain 4,096 at twice the target → 16,384 (no doubling cap).
    let t = PrecisionTarget(halfWidth: 0.0025)
    #expect(t.projectedTotal(after: 4_096, achieved: 0.003, replicates: 16) == 6_144)
    #expect(t.projectedTotal(after: 4_096, achieved: 0.00483, replicates: 16) == 8_192)
    #expect(t.projectedTotal(after: 4_096, achieved: 0.002501, replicates: 16) == 5_120)
    #expect(t.projectedTotal(after: 4_096, achieved: 0.005, replicates: 1) == 16_384)
    #expect(t.projectedTotal(after: 1_000, achieved: 0.0026, replicates: 1) == 1_280)
    #expect(PrecisionTarget(halfWidth: 0.0025, maxIterations: 1_000).cap(replicates: 16) == 896)  // 16 × 56
  }

  /// Under RQMC a precision run stops at a quarter step (16 × 80 here, where doubling would
  /// have run 16 × 128) and its figures are exactly those of one run at that count.
  @Test func anRQMCPrecisionRunStopsOnAQuarterStepWithTheFiguresOfOneRun() throws {
    let scenario = ReplicateCoverageTests.scenario
    let first = try ReplicateCoverageTests.rqmc(seed: 4)
    let h0 = Engine.decisionHalfWidth(first)
    #expect(h0.isFinite && h0 > 0)
    // A target 1.2² below the first batch's: projected 16 × 76.8, on the grid 16 × 80.
    let target = h0 / 1.2.squareRoot()
    let options = RunOptions(iterations: 1_024, seed: 4, threads: 2, sampling: .rqmc(replicates: 16))
    let (run, note) = try Engine.run(scenario, options: options, precision: PrecisionTarget(halfWidth: target))
    #expect(note.batches.first == 1_024 && note.batches.dropFirst().first == 1_280)
    #expect(note.batches.allSatisfy { $0 % 16 == 0 && PointGrid.contains($0 / 16) })
    #expect(note.reached && run.completedIterations == note.batches.last!)
    let single = try ReplicateCoverageTests.rqmc(seed: 4, perReplicate: note.batches.last! / 16)
    #expect(run.accumulator == single.accumulator)
    #expect(run.replicates == single.replicates)
    #expect(RunFigures(run) == RunFigures(single))
    #expect(ReplicateFigures(run) == ReplicateFigures(single))
    // The batch before the last had not reached the target.
    let before = try ReplicateCoverageTests.rqmc(seed: 4, perReplicate: note.batches[note.batches.count - 2] / 16)
    #expect(Engine.decisionHalfWidth(before) > target)
  }

  /// At a quarter step (16 × 80 points: a net of 64 and a block of 16) RQMC keeps a large
  /// gain on the mean drift over plain Monte Carlo's 1,280 paths. As in
  /// `ReplicateCoverageTests.rqmcReducesTheVarianceOfTheMeanDrift`: if RQMC did nothing the
  /// ratio's estimate (plain s²/n over the replicates' variance / R, 15 degrees of freedom)
  /// would exceed 4 with probability ≈ 0.001, so this check can fail.
  @Test(arguments: [80, 96, 112])
  func rqmcAtAQuarterStepStillReducesTheVariance(perReplicate: Int) throws {
    let scenario = ReplicateCoverageTests.scenario
    let plain = try TestScenario.run(scenario, iterations: 16 * perReplicate, seed: 3).0
    let plainVariance = pow(try #require(RunFigures(plain).budgets.first?.scopes[0].drift.standardError), 2)
    let run = try ReplicateCoverageTests.rqmc(seed: 3, perReplicate: perReplicate)
    let replicates = try #require(run.replicates)
    let means = (0..<16).map { replicates.estimate(.meanDrift, replicate: $0, evaluation: 0, scope: 0) }
    let m = means.reduce(0, +) / 16
    let rqmcVariance = means.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 15 / 16
    #expect(plainVariance / rqmcVariance > 4, "ratio \(plainVariance / rqmcVariance)")
  }
}
