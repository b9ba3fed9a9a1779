import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Averted activity and cost against the same iterations without the intervention.
@Suite struct InterventionOutcomesTests {
  /// 200 of 1,000 rough sleepers (0.5 A&E visits a year each, unit cost 100) receive a
  /// programme of effect 0.3 from period 1 (lag 1) at 150 a recipient a year.
  static let scenario = InterventionRecipientsTests.scenario(
    recipients: InterventionRecipientsTests.cohort(200, costPerRecipient: 150), effect: 0.3)

  @Test func avertedEventsMatchTheirExpectationAndPairingNarrowsThem() throws {
    // E[averted events] = e·n·u·(periods with effect)/12 = 0.3 × 200 × 0.5 × 11/12 = 27.5 in
    // the year. Tolerance 4 paired SE. The unpaired SE (two independent runs) is set by
    // the whole service's Poisson noise, √(2 × 1300) / √n; the paired one by the averted
    // events alone, far smaller.
    let n = 1_000
    let figures = try InterventionOutcomes.run(try SimulationPlan(Self.scenario), options: RunOptions(iterations: n, seed: 3, threads: 2))
    let year = figures[0].years[0]
    #expect(figures[0].targets == ["ae"] && figures[0].years.count == 2 && figures[0].horizon.year == nil)
    let averted = year.avertedEvents
    #expect(abs(averted.mean - 27.5) < 4 * averted.standardError, "\(averted.mean) ± \(averted.standardError)")
    #expect(averted.standardError < year.avertedEventsUnpairedStandardError / 3)
    // Cost at a fixed unit cost of 100: averted cost = 100 × averted events in every iteration.
    #expect(abs(year.avertedCost.mean - 100 * averted.mean) < 1e-6 * year.avertedCost.mean)
    // Programme: 200 × 150 a year exactly; net saving and ROI follow.
    #expect(abs(year.programmeCost.mean - 30_000) < 1e-6)
    #expect(abs(year.netSaving.mean - (year.avertedCost.mean - 30_000)) < 1e-6 * 30_000)
    let roi = try #require(year.returnOnInvestment)
    #expect(abs(roi - year.netSaving.mean / 30_000) < 1e-12)
    // 27.5 × 100 = 2,750 averted against 30,000 spent: the programme never pays for itself here.
    #expect(year.probabilityNetSaving.estimate == 0)
  }

  @Test func aWholePopulationEffectWithoutProgrammeCostHasNoROI() throws {
    let scenario = InterventionRecipientsTests.scenario(recipients: nil, effect: 0.2)
    let figures = try InterventionOutcomes.run(try SimulationPlan(scenario), options: RunOptions(iterations: 128, seed: 1, threads: 1))
    #expect(figures[0].horizon.returnOnInvestment == nil && figures[0].horizon.returnOnInvestmentUndefined != nil)
    // Expected averted: 0.2 × 1300 × 11/12 = 238.3 events; 4 paired SE.
    let averted = figures[0].horizon.avertedEvents
    #expect(abs(averted.mean - 0.2 * 1_300 * 11 / 12) < 4 * averted.standardError)
  }

  @Test func theFiguresDoNotDependOnThreads() throws {
    let plan = try SimulationPlan(Self.scenario)
    let one = try InterventionOutcomes.run(plan, options: RunOptions(iterations: 200, seed: 9, threads: 1, blockSize: 64))
    let two = try InterventionOutcomes.run(plan, options: RunOptions(iterations: 200, seed: 9, threads: 2, blockSize: 128))
    #expect(one == two)
  }
}

@Suite struct DoseSweepTests {
  /// The sweep as the command runs it: the scenario at each dose, compiled.
  static func sweep(_ scenario: Scenario, _ name: String, _ doses: [Double], iterations: Int, seed: UInt64) throws -> DoseSweepFigures {
    var unit = ""
    let plans = try doses.map { dose in
      let (variant, u) = try scenario.withDose(dose, of: name)
      unit = u
      return (dose: dose, plan: try SimulationPlan(variant))
    }
    return try DoseSweep.run(
      base: try SimulationPlan(scenario), intervention: name, unit: unit, doses: plans,
      options: RunOptions(iterations: iterations, seed: seed, threads: 2))
  }

  @Test func aLinearDoseScalesTheAvertedEventsAndTheProgrammeCost() throws {
    // Cohorts of 100, 200, 400 on the same random numbers: programme cost 150 a recipient a
    // year exactly; averted events e·n·u·11/12 = 13.75 per 100 recipients (4 paired SE).
    // Each recipient averts 13.75 × 100 / 100 = GBP 13.75 of A&E a year for GBP 150, so
    // the smallest cohort has the lowest expected cost.
    let sweep = try Self.sweep(InterventionOutcomesTests.scenario, "housing_first", [100, 200, 400], iterations: 500, seed: 4)
    #expect(sweep.unit == "people" && sweep.doses.map(\.dose) == [100, 200, 400])
    for d in sweep.doses {
      let h = d.outcomes.horizon
      #expect(abs(h.programmeCost.mean - 150 * d.dose) < 1e-6)
      #expect(abs(h.avertedEvents.mean - 13.75 * d.dose / 100) < 4 * h.avertedEvents.standardError, "dose \(d.dose)")
    }
    #expect(sweep.lowestExpectedCostDose == 100)
    // The budget is the scenario's own (cohort 200) base budget, the same for every dose.
    let plan = try SimulationPlan(InterventionOutcomesTests.scenario)
    #expect(sweep.budget == plan.expectedBase.reduce(0, +))
  }

  @Test func aDoseNeedsAnInterventionWithRecipientsAndADoseInRange() throws {
    #expect(throws: DoseError.self) { try InterventionRecipientsTests.scenario(recipients: nil).withDose(1, of: "housing_first") }
    #expect(throws: DoseError.self) { try InterventionOutcomesTests.scenario.withDose(1, of: "nothing") }
    #expect(throws: DoseError.self) { try InterventionOutcomesTests.scenario.withDose(-5, of: "housing_first") }
    let share = InterventionRecipientsTests.scenario(recipients: Recipients(segments: [0], size: .share(0.2)))
    #expect(throws: DoseError.self) { try share.withDose(2, of: "housing_first") }
    #expect(try share.withDose(0.5, of: "housing_first").scenario.interventions[0].recipients?.size == .share(0.5))
  }
}

@Suite(.serialized) struct OutcomesCommandTests {
  @Test func outcomesWritesTheFiguresAndTheSweep() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outcomes-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try InterventionRecipientsTests.yaml.write(to: folder.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
    guard
      let ok = try CommandLineTool.run(
        ["outcomes", "s.yaml", "--iterations", "64", "--sweep", "coordination", "--doses", "300,600", "--json", "o.json", "--csv", "csv", "--report", "o.html"], in: folder)
    else { return }
    #expect(ok.status == 0, "\(ok.standardError)")
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("o.json"))) as? [String: Any]
    let interventions = json?["interventions"] as? [[String: Any]]
    #expect(interventions?.first?["name"] as? String == "coordination")
    let doses = (json?["sweep"] as? [String: Any])?["doses"] as? [[String: Any]]
    #expect(doses?.compactMap { $0["dose"] as? Double } == [300, 600])
    let table = try String(contentsOf: folder.appendingPathComponent("csv/outcomes.csv"), encoding: .utf8)
    #expect(table.hasPrefix("intervention,year,figure,estimate,lower,upper,standard_error,unit,currency\r\n"))
    #expect(table.contains("coordination,,averted_events,"))
    // The report is well-formed markup with both charts and the sweep.
    let html = try String(contentsOf: folder.appendingPathComponent("o.html"), encoding: .utf8)
    let document = try #require(MarkupElement.parse(html))
    #expect(document.all("svg").count == 2)
    #expect(html.contains("Dose sweep of coordination") && html.contains("What coordination averts"))
    let sweepTable = try String(contentsOf: folder.appendingPathComponent("csv/dose_sweep.csv"), encoding: .utf8)
    #expect(sweepTable.contains("\r\n600.0,coordination,,overspend_probability,"))

    guard let bad = try CommandLineTool.run(["outcomes", "s.yaml", "--iterations", "64", "--sweep", "nothing", "--doses", "1"], in: folder)
    else { return }
    #expect(bad.status == 65 && bad.standardError.contains("no intervention 'nothing'"), "\(bad.standardError)")
    guard let unpaired = try CommandLineTool.run(["outcomes", "s.yaml", "--sweep", "coordination"], in: folder) else { return }
    #expect(unpaired.status == 64 && unpaired.standardError.contains("--sweep and --doses go together"))
    guard let unknown = try CommandLineTool.run(["outcomes", "s.yaml", "--rationed-at", "margin 99%"], in: folder) else { return }
    #expect(unknown.status == 64 && unknown.standardError.contains("--rationed-at: no proposal 'margin 99%'"), "\(unknown.standardError)")
  }
}
