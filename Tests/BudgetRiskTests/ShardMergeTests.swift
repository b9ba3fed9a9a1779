import Foundation
import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Shards, saved states and their merge: the figures of any split, saved to state files and
/// merged, are those of one run byte for byte (exact accumulators, draws keyed by iteration).
@Suite struct ShardMergeTests {
  static let scenario = DeterminismTests.scenario
  /// 7 tiles and 2 iterations: 7 shards of 1 and 2 tiles, the last tile short.
  static let iterations = 450, seed: UInt64 = 11

  /// Shard `k` of `n`, simulated with its own thread count, saved and read back.
  static func shardState(_ k: Int, of n: Int, through file: Bool) throws -> (path: String, state: RunState) {
    let shard = Shard("\(k)/\(n)")!
    let whole = RunOptions(iterations: iterations, seed: seed, threads: 1 + k % 3, blockSize: 64 << (k % 2))
    let run = try Engine.run(scenario, options: shard.options(ofRun: whole))
    let state = RunState(
      run: run, shard: shard, totalIterations: iterations, design: "base", scenarioFile: "memory.yaml",
      scenarioText: "", scenarioSHA256: "", toolVersion: RunManifest.toolVersion)
    guard file else { return ("shard-\(k)", state) }
    return ("shard-\(k)", try RunStateFile.decode(try RunStateFile.encode(state), path: "shard-\(k)"))
  }

  static func outputs(_ run: SimulationRun) throws -> [Data] {
    let figures = RunFigures(run)
    return [try JSONReport.encode(figures: figures)] + CSVReport.files(for: figures).map(\.data)
      + [DriversReport.csv(figures).data]
  }

  /// N = 1, 2, 3, 7 (uneven shards). Every state goes through its file form for N = 3 (the
  /// JSON round trip is the same code for any N, and costs ~1 s a state in a debug build);
  /// in memory for the others.
  @Test(arguments: [1, 2, 3, 7])
  func mergedShardsAreByteIdenticalToOneRun(n: Int) throws {
    let single = try Engine.run(Self.scenario, options: RunOptions(iterations: Self.iterations, seed: Self.seed, threads: 2))
    // Shards given out of order: the merge sorts them.
    let states = try (0..<n).reversed().map { try Self.shardState($0, of: n, through: n == 3) }
    let merged = try RunState.merge(states)
    #expect(merged.shard == .whole && merged.iterations == Self.iterations && merged.firstIteration == 0)
    let run = try merged.run(plan: try SimulationPlan(Self.scenario))
    #expect(run.accumulator == single.accumulator)
    #expect(try Self.outputs(run) == Self.outputs(single))
  }

  @Test func shardsAreContiguousWholeTilesCoveringTheRun() {
    for total in [64, 65, 1_000, 6_400, 100_003] {
      let tiles = Shard.maximumCount(iterations: total)
      for n in [1, 2, 3, 7, tiles] where n <= tiles {
        let ranges = (0..<n).map { Shard("\($0)/\(n)")!.iterations(ofRunOf: total) }
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == total)
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        for r in ranges { #expect(!r.isEmpty && r.lowerBound % 64 == 0) }
        // Sizes differ by at most one tile.
        let sizes = ranges.dropLast().map(\.count)
        #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 64)
      }
    }
    #expect(Shard("3/2") == nil && Shard("-1/2") == nil && Shard("0/0") == nil && Shard("1") == nil && Shard("a/b") == nil)
    #expect(Shard("0/1") == .whole)
  }

  /// Doubles come back bit for bit (signed zero normalised by the histogram itself,
  /// subnormals, extremes, ±∞ of an empty histogram), and so do 128-bit sums.
  @Test func summariesRoundTripExactly() throws {
    var h = LogLinearQuantiles(layout: .fine)
    let empty = h
    for x in [-0.0, 0x1p-1074, -1e-300, 0.1, 1.0 / 3, 1e300, -.greatestFiniteMagnitude, .infinity, .nan] { h.add(x) }
    var m = MeanAccumulator()
    for x in [1e11, -3e-7, 0.1, 1.0 / 3] { m.add(x) }
    var paths = PathHistograms(periods: 3)
    let path = [0.25, -0.125, 1e-9]
    path.withUnsafeBufferPointer { p in for _ in 0..<5 { paths.add(path: p.baseAddress!) } }
    let encoder = RunStateFile.encoder(), decoder = RunStateFile.decoder()
    let h2 = try decoder.decode(LogLinearQuantiles.self, from: encoder.encode(h))
    #expect(h2 == h && h2.minimum.bitPattern == h.minimum.bitPattern && h2.maximum.bitPattern == h.maximum.bitPattern)
    #expect(h2.nonFiniteCount == 2 && h2.quantile(0.5) == h.quantile(0.5))
    #expect(try decoder.decode(LogLinearQuantiles.self, from: encoder.encode(empty)) == empty)
    // Counts past 2⁵³ (where a JSON number stops being exact in some readers) come back exactly.
    let big = ProportionCounter(successes: UInt64.max - 1, trials: UInt64.max)
    #expect(try decoder.decode(ProportionCounter.self, from: encoder.encode(big)) == big)
    var huge = ExactSum()
    for _ in 0..<4 { huge.add(0x1p79) }
    #expect(try decoder.decode(ExactSum.self, from: encoder.encode(huge)) == huge)
    let m2 = try decoder.decode(MeanAccumulator.self, from: encoder.encode(m))
    #expect(m2 == m && m2.mean.bitPattern == m.mean.bitPattern && m2.variance.bitPattern == m.variance.bitPattern)
    // Staged paths are binned on the way out: equal, and they merge on.
    var p2 = try decoder.decode(PathHistograms.self, from: encoder.encode(paths))
    #expect(p2 == paths)
    path.withUnsafeBufferPointer { p in p2.add(path: p.baseAddress!); paths.add(path: p.baseAddress!) }
    #expect(p2 == paths)
  }

  @Test func statesThatDoNotBelongTogetherAreRefusedByName() throws {
    let s = try (0..<3).map { try Self.shardState($0, of: 3, through: false) }
    func message(_ states: [(path: String, state: RunState)]) -> String {
      do { _ = try RunState.merge(states); return "merged" } catch { return error.description }
    }
    #expect(message([s[0], s[2]]) == "1 of 3 shards missing: 1/3 (a run of 450 iterations needs every shard once)")
    #expect(message([s[0], s[1], s[1], s[2]]).hasPrefix("shard 1/3 is given 2 times (shard-1, shard-1)"))
    var other = s[2]
    other.state.seed = 12
    #expect(message([s[0], s[1], other]).hasPrefix("shard-2: the seed is 12, but shard-0 has 11"))
    other = s[2]
    other.state.scenarioSHA256 = "00"
    #expect(message([s[0], s[1], other]).contains("the scenario's SHA-256"))
    other = s[2]
    other.state.totalIterations = 2_000
    #expect(message([s[0], s[1], other]).contains("total iterations is 2000, but shard-0 has 450"))
    other = s[1]
    other.state.iterations -= 1
    #expect(message([s[0], other, s[2]]).contains("shard-1: shard 1/3 of 450 iterations should hold iterations 128..<320"))
    #expect(message([]) == "no state files to merge")
    // A shard on its own is not a run.
    #expect(throws: RunStateError.self) { try s[1].state.run(plan: try SimulationPlan(Self.scenario)) }
  }

  @Test func aDamagedOrForeignStateFileIsRefused() throws {
    let data = try RunStateFile.encode(try Self.shardState(0, of: 1, through: false).state)
    let text = String(decoding: data, as: UTF8.self)
    func message(_ text: String) -> String {
      do { _ = try RunStateFile.decode(Data(text.utf8), path: "s.json"); return "read" } catch { return error.description }
    }
    #expect(message(text) == "read")
    #expect(message(text.replacingOccurrences(of: "\"formatVersion\":1", with: "\"formatVersion\":2"))
      == "s.json: formatVersion: this tool reads version 1, found 2")
    // One count changed: the accumulators' hash no longer matches.
    let altered = text.replacingOccurrences(of: "\"trials\":450", with: "\"trials\":451")
    #expect(altered != text)
    #expect(message(altered) == "s.json: stateSHA256: does not match the saved accumulators (the file was altered)")
    #expect(message(String(text.prefix(text.count / 2))).hasPrefix("s.json: not a budget-risk state file"))
    #expect(message("{\"format\":\"budget-risk-state\"}").hasPrefix("s.json: not a budget-risk state file: "))
  }
}
