import ArgumentParser
import BudgetRiskStudies
import BudgetRiskReports
import Foundation

struct SlurmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "slurm",
    abstract: "Write (or submit) a Slurm job array of a run's shards and the job that merges them.",
    discussion: """
      Examples:
        budget-risk slurm pilot.yaml --shards 16 --iterations 10000000 --partition compute --cpus-per-task 8
        budget-risk slurm pilot.yaml --shards 4 --submit
      Writes into --out (default 'slurm-run'): shards.sbatch (an array 0-(N-1); task K runs \
      'run --shard K/N --threads $SLURM_CPUS_PER_TASK --state states/shard-K.json'), merge.sbatch \
      ('merge' of every state into run.json, csv/, report.html and run.state.json) and submit.sh, \
      which submits the array and then the merge with --dependency=afterok on it \
      (and --kill-on-invalid-dep=yes: a failed shard cancels the merge). --submit runs submit.sh's \
      two sbatch calls now. Seed and iterations are resolved here (the scenario's run: section, \
      else the defaults), so every shard runs the same run. See docs/scale-out.md.
      """
  )

  @Argument(help: "The scenario file (YAML).", completion: .file(extensions: ["yaml", "yml"]))
  var file: String

  @Option(help: "How many shards (array tasks).")
  var shards: Int

  @Option(help: "Run this design of the file (default: its base document).")
  var design: String?

  @Option(parsing: .unconditional, help: "Iterations of the whole run (default: the scenario's run.iterations, else 10000).")
  var iterations: Int?

  @Option(help: "Random seed (default: the scenario's run.seed, else 1).")
  var seed: UInt64?

  @Option(help: "Slurm partition (sbatch --partition); default: the cluster's.")
  var partition: String?

  @Option(help: "CPUs per shard (sbatch --cpus-per-task); each shard runs that many threads.")
  var cpusPerTask: Int = 4

  @Option(help: "Time limit per job (sbatch --time), e.g. 30:00 or 2:00:00.")
  var time: String = "1:00:00"

  @Option(help: "Folder for the scripts, states, logs and merged outputs.", completion: .directory)
  var out: String = "slurm-run"

  @Option(help: "The budget-risk executable the jobs run (default: this one).", completion: .file())
  var binary: String?

  @Flag(help: "Submit the array and the merge job with sbatch now.")
  var submit = false

  func validate() throws {
    guard shards >= 1 else { throw ValidationError("--shards must be at least 1, found \(shards)") }
    guard cpusPerTask >= 1 else { throw ValidationError("--cpus-per-task must be at least 1, found \(cpusPerTask)") }
    if let n = iterations, n < 1 { throw ValidationError("--iterations must be at least 1, found \(n)") }
    guard !time.isEmpty, time.allSatisfy({ $0.isNumber || $0 == ":" || $0 == "-" }) else {
      throw ValidationError("--time must be a Slurm time such as 30:00, 2:00:00 or 1-00:00:00, found '\(time)'")
    }
    if let partition, partition.isEmpty || !partition.allSatisfy({ $0.isLetter || $0.isNumber || "_-.,".contains($0) }) {
      throw ValidationError("--partition must be a partition name (letters, digits, _ - . ,), found '\(partition)'")
    }
  }

  func run() throws {
    let plan = try loadPlan(file, design: design)
    let total = iterations ?? plan.defaults.iterations, runSeed = seed ?? plan.defaults.seed
    let most = Shard.maximumCount(iterations: total)
    guard shards <= most else {
      throw ValidationError("--shards \(shards): \(total) iterations make at most \(most) shards (one per 64 iterations)")
    }
    let jobs = SlurmJobs(
      executable: absolute(binary ?? Self.currentExecutable), scenario: absolute(file), design: design,
      iterations: total, seed: runSeed, shards: shards, cpusPerTask: cpusPerTask, time: time,
      partition: partition, folder: absolute(out))
    let files = jobs.files
    do {
      try FileManager.default.createDirectory(atPath: jobs.folder + "/states", withIntermediateDirectories: true)
      try FileManager.default.createDirectory(atPath: jobs.folder + "/logs", withIntermediateDirectories: true)
      try AtomicFile.write(files.map { AtomicFile.Output(path: jobs.folder + "/" + $0.name, data: Data($0.text.utf8)) }, inputs: [file])
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: jobs.folder + "/submit.sh")
    } catch {
      printError("\(error)")
      throw Exit.cannotWrite
    }
    print("wrote \(files.map { jobs.folder + "/" + $0.name }.joined(separator: ", "))")
    print("\(shards) shards of \(total) iterations (seed \(runSeed)), \(cpusPerTask) CPUs each")
    guard submit else {
      print("submit with: \(jobs.folder)/submit.sh")
      return
    }
    let array = try sbatch(["--parsable", jobs.folder + "/shards.sbatch"])
    let merge = try sbatch(["--parsable", "--dependency=afterok:\(array)", "--kill-on-invalid-dep=yes", jobs.folder + "/merge.sbatch"])
    print("submitted array job \(array) and merge job \(merge); outputs in \(jobs.folder)")
  }

  /// Runs `sbatch arguments` and returns the job id it prints (`--parsable`: `id[;cluster]`).
  private func sbatch(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sbatch"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch {
      printError("cannot run sbatch: \(error)")
      throw ExitCode.failure
    }
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let id = text.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    guard process.terminationStatus == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
      printError("sbatch \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus)): \(text)")
      throw ExitCode.failure
    }
    return id
  }

  private func absolute(_ path: String) -> String {
    path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
  }

  /// This executable's path (Linux: /proc/self/exe; else the first argument).
  static var currentExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }
}

/// The job scripts of a sharded run on Slurm.
struct SlurmJobs {
  let executable: String, scenario: String, design: String?
  let iterations: Int, seed: UInt64, shards: Int, cpusPerTask: Int, time: String, partition: String?
  let folder: String

  var files: [(name: String, text: String)] {
    [("shards.sbatch", shardsScript), ("merge.sbatch", mergeScript), ("submit.sh", submitScript)]
  }

  private func header(name: String, cpus: Int, log: String) -> String {
    var lines = [
      "#!/bin/bash", "#SBATCH --job-name=\(name)", "#SBATCH --cpus-per-task=\(cpus)", "#SBATCH --ntasks=1",
      "#SBATCH --time=\(time)", "#SBATCH --output=\(folder)/logs/\(log)",
    ]
    if let partition { lines.append("#SBATCH --partition=\(partition)") }
    return lines.joined(separator: "\n") + "\n"
  }

  var shardsScript: String {
    header(name: "budget-risk-shards", cpus: cpusPerTask, log: "shard-%a.out").replacingOccurrences(
      of: "#SBATCH --ntasks=1\n", with: "#SBATCH --ntasks=1\n#SBATCH --array=0-\(shards - 1)\n")
      + """
      # Shard $SLURM_ARRAY_TASK_ID of \(shards): a contiguous range of the run's iterations.
      set -euo pipefail
      exec \(quote(executable)) run \(quote(scenario))\(designOption) --iterations \(iterations) --seed \(seed) \\
        --shard "$SLURM_ARRAY_TASK_ID/\(shards)" --threads "${SLURM_CPUS_PER_TASK:-1}" \\
        --state \(quote(folder + "/states"))"/shard-$SLURM_ARRAY_TASK_ID.json" --quiet

      """
  }

  var mergeScript: String {
    header(name: "budget-risk-merge", cpus: 1, log: "merge.out")
      + """
      # Runs only after every shard succeeded (submitted with --dependency=afterok on the array).
      set -euo pipefail
      exec \(quote(executable)) merge \(quote(folder + "/states"))/shard-*.json \\
        --json \(quote(folder + "/run.json")) --csv \(quote(folder + "/csv")) \\
        --report \(quote(folder + "/report.html")) --state \(quote(folder + "/run.state.json"))

      """
  }

  var submitScript: String {
    """
    #!/bin/bash
    # Submits the shards' array, then the merge, which starts only if every shard succeeds
    # (a failed shard cancels it: --kill-on-invalid-dep=yes).
    set -euo pipefail
    array=$(sbatch --parsable \(quote(folder + "/shards.sbatch")))
    array=${array%%;*}
    merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes \(quote(folder + "/merge.sbatch")))
    echo "array job $array, merge job ${merge%%;*}"

    """
  }

  private var designOption: String { design.map { " --design \(quote($0))" } ?? "" }

  /// A shell word: single-quoted, with `'` as `'\''`.
  private func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
