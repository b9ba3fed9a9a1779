import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct HorizonTests {
  @Test func seasonIndexFollowsTheStartMonth() {
    let h = Horizon(periods: 24, periodLength: .month, startMonth: 4)
    #expect(h.seasonIndex(ofPeriod: 0) == 3)   // April
    #expect(h.seasonIndex(ofPeriod: 9) == 0)   // January
    #expect(h.budgetYears == 2)
    #expect(h.budgetYear(ofPeriod: 12) == 1)
    let q = Horizon(periods: 8, periodLength: .quarter, startMonth: 4)
    #expect(q.seasonIndex(ofPeriod: 0) == 1)
    #expect(q.seasonIndex(ofPeriod: 3) == 0)
  }
}
