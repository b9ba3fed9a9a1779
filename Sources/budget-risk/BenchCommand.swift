import ArgumentParser
import BudgetRiskStudies
import BudgetRiskReports
import Foundation

struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Measure throughput and parallel scaling of a scenario on this machine.",
    discussion: """
      Runs the scenario at each thread count (default 1, 2, 4, … up to the core count, then \
      the core count) with the same iterations and seed, after a short warm-up, and prints \
      iterations/s, cells/s (cells = iterations × periods × services), cells/s per core, \
      parallel efficiency = throughput(T) / (T × throughput(1)) and the peak resident memory \
      (VmHWM, reset before each thread count where Linux allows it).
      Examples:
        budget-risk bench
        budget-risk bench scenarios/benchmarks/server-scale.yaml --iterations 200000 --json bench.json
        budget-risk bench --threads-list 1,2,4,8,16
      """
  )

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var file: String = "scenarios/benchmarks/server-scale.yaml"

  @Option(help: "Iterations per thread count.")
  var iterations: Int = 20_000

  @Option(help: "Random seed (default: the scenario's run.seed, else 1).")
  var seed: UInt64?

  @Option(help: "Comma-separated thread counts, in increasing order (default 1,2,4,… up to the cores).")
  var threadsList: String?

  @Option(help: "Iterations per unit of work, a multiple of 64.")
  var blockSize: Int = 256

  @Option(help: "Write the measurements, machine and OpenBLAS configuration as JSON to this file.")
  var json: String?

  func validate() throws {
    guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1, found \(iterations)") }
    guard blockSize >= 64, blockSize % 64 == 0 else {
      throw ValidationError("--block-size must be a positive multiple of 64, found \(blockSize)")
    }
    _ = try threadCounts()
  }

  func threadCounts() throws -> [Int] {
    guard let list = threadsList else {
      return ScalingBenchmark.defaultThreadCounts(cores: ProcessInfo.processInfo.activeProcessorCount)
    }
    let counts = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
      throw ValidationError("--threads-list must be positive integers separated by commas, found '\(list)'")
    }
    if let n = counts.compactMap({ $0 }).first(where: { $0 > SamplingOptions.maximumThreads }) {
      throw ValidationError("--threads-list: at most \(SamplingOptions.maximumThreads) threads (4 × the cores), found \(n)")
    }
    return counts.compactMap { $0 }
  }

  func run() throws {
    let plan = try loadPlan(file)
    if let path = json {
      do { try AtomicFile.check([path]) } catch {
        printError("\(error)")
        throw Exit.cannotWrite
      }
    }
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("budget-risk bench: \(plan.name) (\(file))")
    print("machine: \(cores) core(s), \(cpuModel() ?? "unknown CPU")")
    let cells = plan.periods * plan.serviceCount
    print("\(iterations) iterations per thread count; \(plan.periods) periods × \(plan.serviceCount) services = \(cells) cells per iteration\n")
    print(Self.header)
    let report: ScalingBenchmark.Report
    do {
      report = try ScalingBenchmark.run(
        plan, file: file, iterations: iterations, seed: seed ?? plan.defaults.seed,
        threadCounts: try threadCounts(), blockSize: blockSize, onMeasurement: { print(Self.row($0)) })
    } catch let error as RunOptionsError {
      throw commandLineError(error)
    }
    print("\nOpenBLAS: \(report.openBLAS)")
    if !report.peakReset { print("(peak memory is the process high-water mark over this and all earlier rows)") }
    if let path = json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      do {
        try AtomicFile.write(try encoder.encode(report), to: path)
      } catch {
        printError("\(error)")
        throw Exit.cannotWrite
      }
    }
  }

  static let header =
    "threads  iterations/s        cells/s  cells/s/core  efficiency  peak MB\n"
    + "-------  ------------  -------------  ------------  ----------  -------"

  static func row(_ m: ScalingBenchmark.Measurement) -> String {
    func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
    let peak = m.peakResidentBytes.map { String(format: "%.0f", Double($0) / 1_048_576) } ?? "n/a"
    return pad("\(m.threads)", 7) + "  " + pad(String(format: "%.0f", m.iterationsPerSecond), 12) + "  "
      + pad(String(format: "%.4g", m.cellsPerSecond), 13) + "  " + pad(String(format: "%.4g", m.cellsPerSecondPerCore), 12)
      + "  " + pad(String(format: "%.1f %%", 100 * m.parallelEfficiency), 10) + "  " + pad(peak, 7)
  }

  /// The CPU model from `/proc/cpuinfo` (Linux).
  func cpuModel() -> String? {
    guard let info = ProcessMemory.procFile("/proc/cpuinfo") else { return nil }
    let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
    return line?.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
  }
}
