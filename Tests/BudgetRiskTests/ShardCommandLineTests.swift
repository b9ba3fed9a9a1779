import Foundation
import Testing

/// `run --shard/--state`, `merge`, `report` and `slurm` end to end through the executable.
@Suite(.serialized) struct ShardCommandLineTests {
  typealias CLI = CommandLineTests
  static let fixture = "Tests/BudgetRiskTests/Fixtures/minimal.yaml"

  /// The file decompressed by the system's gzip (which checks the CRC and length); nil if it fails.
  static func gunzip(_ file: URL) throws -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["gzip", "-dc", file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return process.terminationStatus == 0 ? text : nil
  }

  /// A JSON report without its two timing lines (they measure the machine, not the model).
  /// The `reproduce` line stays: a merged or re-rendered state records the single run's
  /// command, as that run does.
  static func figures(_ url: URL) throws -> String {
    try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains("\"elapsedSeconds\"") && !$0.contains("\"iterationsPerSecond\"") }
      .joined(separator: "\n")
  }

  @Test func shardsMergedAndAStateReportedAreByteIdenticalToOneRun() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let common = [Self.fixture, "--iterations", "300", "--seed", "3", "--threads", "2", "--quiet"]
    let single = try CLI.run(["run"] + common + ["--json", dir.appendingPathComponent("single.json").path])
    #expect(single.status == 0, "\(single.error)")
    for k in 0..<3 {
      let shard = try CLI.run(["run"] + common + ["--shard", "\(k)/3", "--state", dir.appendingPathComponent("s\(k).json").path])
      #expect(shard.status == 0, "\(shard.error)")
    }
    let states = (0..<3).reversed().map { dir.appendingPathComponent("s\($0).json").path }
    let merged = try CLI.run(
      ["merge"] + states + ["--quiet", "--json", dir.appendingPathComponent("merged.json").path,
        "--state", dir.appendingPathComponent("all.json").path])
    #expect(merged.status == 0, "\(merged.error)")
    let report = try CLI.run(["report", dir.appendingPathComponent("all.json").path, "--quiet", "--json", dir.appendingPathComponent("report.json").path])
    #expect(report.status == 0, "\(report.error)")
    let reference = try Self.figures(dir.appendingPathComponent("single.json"))
    #expect(try Self.figures(dir.appendingPathComponent("merged.json")) == reference)
    #expect(try Self.figures(dir.appendingPathComponent("report.json")) == reference)

    // A shard missing: exit 65 naming it, nothing written.
    let missing = try CLI.run(["merge", states[0], states[2], "--json", dir.appendingPathComponent("partial.json").path])
    #expect(missing.status == 65)
    #expect(missing.error.contains("1 of 3 shards missing: 1/3"))
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("partial.json").path))
    // A shard's state is not a run.
    let lone = try CLI.run(["report", states[1]])
    #expect(lone.status == 65 && lone.error.contains("shards missing"))
  }

  /// The samples file's `overspent` column counts what the JSON's P(overspend) reports, to
  /// the last digit (the documented pandas recipe, done here by hand).
  @Test func samplesRecountTheReportedOverspendProbability() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let json = dir.appendingPathComponent("run.json"), samples = dir.appendingPathComponent("s.csv.gz")
    let run = try CLI.run(["run", Self.fixture, "--iterations", "1000", "--seed", "4", "--quiet", "--json", json.path, "--samples", samples.path])
    #expect(run.status == 0, "\(run.error)")
    let lines = try #require(try Self.gunzip(samples)).split(separator: "\n")
    #expect(lines.count == 1001)
    let header = lines[0].split(separator: ",").map(String.init)
    let figures = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
    let budgets = try #require((figures["figures"] as? [String: Any])?["budgets"] as? [[String: Any]])
    #expect(budgets.count == 2)
    for budget in budgets {
      let name = "overspent.\(budget["proposal"]!).\(budget["response"]!)"
      let c = try #require(header.firstIndex(of: name), "no column \(name)")
      let count = lines.dropFirst().filter { $0.split(separator: ",")[c] == "1" }.count
      let scope = try #require((budget["scopes"] as? [[String: Any]])?.last)
      let p = try #require((scope["overspendProbability"] as? [String: Any])?["estimate"] as? Double)
      #expect(Double(count) / 1000 == p)
    }
  }

  @Test func shardOptionsAreCheckedBeforeSimulating() throws {
    let noState = try CLI.run(["run", Self.fixture, "--shard", "0/2"])
    #expect(noState.status == 64 && noState.error.contains("--shard needs --state"))
    let bad = try CLI.run(["run", Self.fixture, "--shard", "2/2", "--state", "/tmp/unused.json"])
    #expect(bad.status == 64 && bad.error.contains("--shard must be K/N with 0 ≤ K < N"))
    let tooMany = try CLI.run(["run", Self.fixture, "--iterations", "100", "--shard", "0/3", "--state", "/tmp/unused.json"])
    #expect(tooMany.status == 64 && tooMany.error.contains("100 iterations make at most 2 shards"))
    let precision = try CLI.run(["run", Self.fixture, "--precision", "0.01", "--state", "/tmp/unused.json"])
    #expect(precision.status == 64 && precision.error.contains("--precision cannot be combined"))
    let notAState = try CLI.run(["merge", Self.fixture])
    #expect(notAState.status == 65 && notAState.error.contains("minimal.yaml: not a budget-risk state file"))
  }

  @Test func slurmWritesAnArrayAndAMergeThatWaitsForIt() throws {
    let dir = try CLI.scratch()
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("job")
    let result = try CLI.run([
      "slurm", Self.fixture, "--shards", "4", "--iterations", "1000", "--seed", "9", "--partition", "compute",
      "--cpus-per-task", "8", "--time", "30:00", "--out", out.path, "--binary", "/opt/br/budget-risk",
    ])
    #expect(result.status == 0, "\(result.error)")
    let shards = try String(contentsOf: out.appendingPathComponent("shards.sbatch"), encoding: .utf8)
    for line in [
      "#SBATCH --array=0-3", "#SBATCH --cpus-per-task=8", "#SBATCH --time=30:00", "#SBATCH --partition=compute",
      "exec '/opt/br/budget-risk' run '\(CLI.root.path)/\(Self.fixture)' --iterations 1000 --seed 9",
      "--shard \"$SLURM_ARRAY_TASK_ID/4\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"",
      "--state '\(out.path)/states'\"/shard-$SLURM_ARRAY_TASK_ID.json\"",
    ] {
      #expect(shards.contains(line), "shards.sbatch lacks \(line)")
    }
    let merge = try String(contentsOf: out.appendingPathComponent("merge.sbatch"), encoding: .utf8)
    #expect(merge.contains("merge '\(out.path)/states'/shard-*.json"))
    let submit = try String(contentsOf: out.appendingPathComponent("submit.sh"), encoding: .utf8)
    #expect(submit.contains("--dependency=afterok:\"$array\" --kill-on-invalid-dep=yes"))
    let tooMany = try CLI.run(["slurm", Self.fixture, "--shards", "20", "--iterations", "640", "--out", out.path])
    #expect(tooMany.status == 64 && tooMany.error.contains("640 iterations make at most 10 shards"))
  }
}
