import Foundation
@_spi(HotPath) import BudgetRiskNumerics
import BudgetRiskModel
import BudgetRiskEngine

/// Throughput of one scenario at several thread counts, for `budget-risk bench`.
///
/// Each thread count runs the same iterations and seed through ``Engine``; work is counted
/// in cells (iterations × periods × services, one count and one cost draw each). Parallel
/// efficiency at `T` threads is `throughput(T) / (T × throughput(1))`; when the list has no
/// single-thread entry, its first entry `T₀` stands in:
/// `(throughput(T)/T) / (throughput(T₀)/T₀)`.
public enum ScalingBenchmark {
  /// One thread count's measurement.
  public struct Measurement: Codable, Sendable, Equatable {
    public var threads: Int
    public var iterations: Int
    public var elapsedSeconds: Double
    public var iterationsPerSecond: Double
    public var cellsPerSecond: Double
    public var cellsPerSecondPerCore: Double
    /// Throughput relative to perfect scaling from the reference thread count (1 = perfect).
    public var parallelEfficiency: Double
    /// The peak resident set (VmHWM) while this thread count ran, in bytes: the process's
    /// high-water mark is reset before each run where Linux allows it (`peakReset`), else
    /// it is the peak of this and every earlier (smaller) thread count.
    public var peakResidentBytes: Int?
  }

  /// A whole `bench` run: the machine, the scenario and one measurement per thread count.
  public struct Report: Codable, Sendable, Equatable {
    public var scenarioFile: String
    public var scenarioName: String
    public var seed: UInt64
    public var iterations: Int
    public var periods: Int
    public var services: Int
    public var cellsPerIteration: Int
    public var cores: Int
    public var openBLAS: String
    /// Whether VmHWM was reset before each thread count (so each peak is that run's own).
    public var peakReset: Bool
    public var measurements: [Measurement]
  }

  /// `1, 2, 4, …` up to `cores`, with `cores` itself last when it is not a power of two.
  public static func defaultThreadCounts(cores: Int) -> [Int] {
    var counts: [Int] = []
    var t = 1
    while t <= max(1, cores) {
      counts.append(t)
      t *= 2
    }
    if let last = counts.last, last < cores { counts.append(cores) }
    return counts
  }

  /// Throughput per thread of `measured` relative to that of `reference`: 1 is perfect scaling.
  public static func parallelEfficiency(
    throughput: Double, threads: Int, referenceThroughput: Double, referenceThreads: Int
  ) -> Double {
    guard throughput > 0, referenceThroughput > 0, threads > 0, referenceThreads > 0 else { return 0 }
    return (throughput / Double(threads)) / (referenceThroughput / Double(referenceThreads))
  }

  /// Fills in the derived rates and the efficiencies, the first entry with the fewest
  /// threads being the reference.
  ///
  /// - Parameter runs: `(threads, iterations, elapsedSeconds, peakResidentBytes)` per run.
  public static func measurements(
    _ runs: [(threads: Int, iterations: Int, elapsedSeconds: Double, peakResidentBytes: Int?)],
    cellsPerIteration: Int
  ) -> [Measurement] {
    let rates = runs.map { $0.elapsedSeconds > 0 ? Double($0.iterations) / $0.elapsedSeconds : 0 }
    guard let ref = runs.indices.min(by: { runs[$0].threads < runs[$1].threads }) else { return [] }
    return runs.indices.map { i in
      let ips = rates[i], cells = ips * Double(cellsPerIteration)
      return Measurement(
        threads: runs[i].threads, iterations: runs[i].iterations, elapsedSeconds: runs[i].elapsedSeconds,
        iterationsPerSecond: ips, cellsPerSecond: cells, cellsPerSecondPerCore: cells / Double(runs[i].threads),
        parallelEfficiency: parallelEfficiency(
          throughput: ips, threads: runs[i].threads, referenceThroughput: rates[ref],
          referenceThreads: runs[ref].threads),
        peakResidentBytes: runs[i].peakResidentBytes)
    }
  }

  /// Runs `plan` at each thread count in `threadCounts`, in the order given (give them
  /// in increasing order: without a VmHWM reset each peak includes the earlier runs).
  ///
  /// A short single-thread warm-up run comes first (page faults, lazy initialisers, CPU
  /// frequency), and is not reported.
  public static func run(
    _ plan: SimulationPlan, file: String, iterations: Int, seed: UInt64, threadCounts: [Int],
    blockSize: Int = 256, warmUpIterations: Int = 512, onMeasurement: ((Measurement) -> Void)? = nil
  ) throws(RunOptionsError) -> Report {
    guard !threadCounts.isEmpty else { throw .invalid("--threads-list needs at least one thread count") }
    if let bad = threadCounts.first(where: { $0 < 1 }) {
      throw .invalid("--threads-list entries must be at least 1, found \(bad)")
    }
    let cells = plan.periods * plan.serviceCount
    if warmUpIterations > 0 {
      _ = try Engine.run(plan, options: RunOptions(
        iterations: min(warmUpIterations, iterations), seed: seed, threads: 1, blockSize: blockSize))
    }
    var runs: [(threads: Int, iterations: Int, elapsedSeconds: Double, peakResidentBytes: Int?)] = []
    var reset = true
    for threads in threadCounts {
      reset = ProcessMemory.resetPeakResident() && reset
      let result = try Engine.run(
        plan, options: RunOptions(iterations: iterations, seed: seed, threads: threads, blockSize: blockSize))
      runs.append((threads, iterations, result.elapsedSeconds, ProcessMemory.peakResidentBytes()))
      if let onMeasurement, let last = measurements(runs, cellsPerIteration: cells).last { onMeasurement(last) }
    }
    return Report(
      scenarioFile: file, scenarioName: plan.name, seed: seed, iterations: iterations,
      periods: plan.periods, services: plan.serviceCount, cellsPerIteration: cells,
      cores: ProcessInfo.processInfo.activeProcessorCount, openBLAS: BLAS.configuration, peakReset: reset,
      measurements: measurements(runs, cellsPerIteration: cells))
  }
}

/// The process's resident memory, from Linux's `/proc/self/status`.
public enum ProcessMemory {
  /// The peak resident set size (`VmHWM`) in bytes; `nil` where `/proc` is unavailable.
  public static func peakResidentBytes() -> Int? {
    guard let status = procFile("/proc/self/status") else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let kilobytes = line.dropFirst("VmHWM:".count).split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
      return kilobytes.map { $0 * 1024 }
    }
    return nil
  }

  /// The text of a `/proc` file: read to the end, since such files report a size of 0.
  public static func procFile(_ path: String) -> String? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    guard let data = try? handle.readToEnd() else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  /// Resets the peak to the current resident set (`echo 5 > /proc/self/clear_refs`, Linux ≥ 4.0).
  ///
  /// - Returns: whether the reset was accepted.
  @discardableResult
  public static func resetPeakResident() -> Bool {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    do {
      try handle.write(contentsOf: Data("5".utf8))
      return true
    } catch {
      return false
    }
  }
}
