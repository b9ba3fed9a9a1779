import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// The one unsafe door: `Internals/Buffer.swift` owns the engine's raw memory and hands out
/// bounds-asserted handles; `BLAS.multiply` checks shapes against the buffers it is given.
@Suite struct BufferTests {
  @Test func handlesViewRowsAndSlicesOfTheSameStorage() {
    let b = Buffer<Double>(12)
    for i in 0..<12 { b[i] = Double(i) }
    let row = b.row(2, width: 4)
    #expect(Array(row) == [8, 9, 10, 11])
    row[1] = -1  // writes through to the buffer
    #expect(b[9] == -1)
    #expect(Array(b.handle.slice(from: 3, count: 2)) == [3, 4])
    b.row(0, width: 4).update(from: b.row(1, width: 4))
    #expect(Array(b.row(0, width: 4)) == [4, 5, 6, 7])
    b.row(1, width: 6).fill(2)
    #expect(Array(b.handle) == [4, 5, 6, 7, 4, 5, 2, 2, 2, 2, 2, 2])
    let flags = Buffer(3, repeating: false)
    flags[1] = true
    #expect(Array(flags.handle) == [false, true, false])
  }

  @Test func blasMultipliesBuffersOfTheRightShape() {
    // [1 2; 3 4] × [1 0 1; 0 1 1] = [1 2 3; 3 4 7]
    let a = Buffer<Double>(4), c = Buffer<Double>(6)
    for (i, x) in [1.0, 2, 3, 4].enumerated() { a[i] = x }
    BLAS.multiply(a, [1, 0, 1, 0, 1, 1], into: c, m: 2, n: 3, k: 2)
    #expect(Array(c.handle) == [1, 2, 3, 3, 4, 7])
  }

  #if !os(Windows)
  @Test func blasRefusesAnOutputTooSmallForItsShape() async {
    await #expect(processExitsWith: .failure) {
      let a = Buffer<Double>(4), c = Buffer<Double>(5)
      BLAS.multiply(a, [1, 0, 1, 0, 1, 1], into: c, m: 2, n: 3, k: 2)
    }
  }
  #endif

  /// Raw allocation and mutable pointers stay behind the door: no file of the library
  /// outside `Internals/` allocates or writes through an unsafe pointer of its own.
  @Test func noRawMemoryOutsideInternals() throws {
    // Every module of the library (Sources/BudgetRisk*/), each file named relative to Sources/.
    let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Sources")
    let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
      .filter {
        $0.hasPrefix("BudgetRisk") && $0.hasSuffix(".swift") && !$0.hasPrefix("BudgetRiskNumerics/Internals/")
      }
    #expect(files.count > 50)
    for file in files {
      let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
      for pattern in [".allocate(", "UnsafeMutablePointer", "UnsafeMutableRawPointer"] {
        #expect(!text.contains(pattern), "\(file) uses \(pattern)")
      }
    }
  }
}
