import Testing
@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

@Suite struct PhiloxTests {
  /// Known-answer vectors: Random123 `kat_vectors`, lines `philox4x32 10 <counter> <key> <output>`
  /// (Salmon et al. 2011). The third is the pi-digits vector.
  static let knownAnswers: [(counter: SIMD4<UInt32>, key: SIMD2<UInt32>, output: SIMD4<UInt32>)] = [
    (SIMD4(0, 0, 0, 0), SIMD2(0, 0), SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8)),
    (SIMD4(0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff), SIMD2(0xffff_ffff, 0xffff_ffff),
     SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)),
    (SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), SIMD2(0xa409_3822, 0x299f_31d0),
     SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)),
  ]

  @Test(arguments: 0..<3)
  func matchesRandom123KnownAnswer(_ index: Int) {
    let vector = Self.knownAnswers[index]
    #expect(Philox4x32(key: vector.key).block(vector.counter) == vector.output)
  }

  @Test func isAPureFunctionOfKeyAndCounter() {
    let philox = Philox4x32(key: SIMD2(7, 11))
    let counter = SIMD4<UInt32>(1, 2, 3, 4)
    #expect(philox.block(counter) == philox.block(counter))
    #expect(philox.block(counter) != Philox4x32(key: SIMD2(7, 12)).block(counter))
    #expect(philox.block(counter) != philox.block(SIMD4(1, 2, 3, 5)))
  }
}
