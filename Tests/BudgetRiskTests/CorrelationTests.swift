import Foundation
import Testing

@_spi(HotPath) @testable import BudgetRiskNumerics
@testable import BudgetRiskModel
@testable import BudgetRiskEngine
@testable import BudgetRiskStudies
@testable import BudgetRiskReports

/// Eigen-decomposition, PSD check, Higham repair and the Gaussian-copula factor.
///
/// Reference values come from this numpy implementation of Higham (2002), Algorithm 3.3
/// (W = I), run with numpy 2.4:
///
/// ```python
/// def proj_psd(R):
///     w, V = np.linalg.eigh(R); return (V * np.maximum(w, 0)) @ V.T
/// def higham(A, tol=1e-15, maxit=100000):
///     Y = A.copy(); dS = np.zeros_like(A); X = A.copy()
///     for k in range(maxit):
///         R = Y - dS; Xn = proj_psd(R); dS = Xn - R
///         Yn = Xn.copy(); np.fill_diagonal(Yn, 1)
///         dx = norm(Xn - X) / norm(Xn); dy = norm(Yn - Y) / norm(Yn); dxy = norm(Yn - Xn) / norm(Yn)
///         X, Y = Xn, Yn
///         if max(dx, dy, dxy) <= tol: break
///     return Y
/// ```
@Suite struct CorrelationTests {
  /// `max |(L·Lᵀ − A)ᵢⱼ|` over the full product (does not assume L is triangular).
  static func reconstructionError(_ l: [Double], _ a: [Double], count n: Int) -> Double {
    var worst = 0.0
    for i in 0..<n {
      for j in 0..<n {
        var s = 0.0
        for k in 0..<n { s += l[i * n + k] * l[j * n + k] }
        worst = max(worst, abs(s - a[i * n + j]))
      }
    }
    return worst
  }

  static func isLowerTriangular(_ l: [Double], count n: Int) -> Bool {
    (0..<n).allSatisfy { i in ((i + 1)..<n).allSatisfy { l[i * n + $0] == 0 } }
  }

  static func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
  }

  /// [[1, .9, .2], [.9, 1, .9], [.2, .9, 1]]: a valid-looking but inconsistent rank correlation.
  static let inconsistent: [Double] = [1, 0.9, 0.2, 0.9, 1, 0.9, 0.2, 0.9, 1]

  @Test func eigenDecompositionMatchesNumpyAndReconstructs() {
    let e = SymmetricEigendecomposition(Self.inconsistent, count: 3)
    // numpy.linalg.eigvalsh: [-0.1767145334803706, 0.7999999999999998, 2.3767145334803708]
    #expect(abs(e.values[0] - -0.1767145334803706) < 1e-14)
    #expect(abs(e.values[1] - 0.8) < 1e-14)
    #expect(abs(e.values[2] - 2.3767145334803708) < 1e-14)
    #expect(Self.maxDifference(e.reconstructed(), Self.inconsistent) < 1e-14)
    // Orthonormal eigenvectors.
    for a in 0..<3 {
      for b in 0..<3 {
        let dot = (0..<3).reduce(0.0) { $0 + e.vectors[$1 * 3 + a] * e.vectors[$1 * 3 + b] }
        #expect(abs(dot - (a == b ? 1 : 0)) < 1e-14)
      }
    }
  }

  @Test func eigenDecompositionOfALargerMatrix() {
    // AR(1) correlation ρ^|i−j|, n = 40: eigenvalues are known to lie in
    // [(1−ρ)/(1+ρ), (1+ρ)/(1−ρ)] and sum to n.
    let n = 40
    let rho = 0.6
    let a = (0..<(n * n)).map { pow(rho, Double(abs($0 / n - $0 % n))) }
    let e = SymmetricEigendecomposition(a, count: n)
    #expect(abs(e.values.reduce(0, +) - Double(n)) < 1e-11)
    #expect(e.values.first! > (1 - rho) / (1 + rho) - 1e-12 && e.values.last! < (1 + rho) / (1 - rho) + 1e-12)
    #expect(e.values == e.values.sorted())
    #expect(Self.maxDifference(e.reconstructed(), a) < 1e-12)
  }

  @Test func psdCheckUsesTheStatedTolerance() {
    #expect(CorrelationMatrix.psdTolerance == 1e-10)
    #expect(!CorrelationMatrix.isPositiveSemidefinite(Self.inconsistent, count: 3))
    #expect(CorrelationMatrix.isPositiveSemidefinite([1, 1, 1, 1], count: 2))  // singular: λ = 0, 2
    // λmin = 1 − (1 + 5e-11) = −5e-11: inside the tolerance; −5e-10 is outside.
    #expect(CorrelationMatrix.isPositiveSemidefinite([1, 1 + 5e-11, 1 + 5e-11, 1], count: 2))
    #expect(!CorrelationMatrix.isPositiveSemidefinite([1, 1 + 5e-10, 1 + 5e-10, 1], count: 2))
  }

  @Test func highamPublishedExample() {
    // Higham (2002) and N. Higham, "The nearest correlation matrix" (nhigham.com, 2013):
    // A = [1 1 0; 1 1 1; 0 1 1] has nearest correlation matrix
    // [1 0.7607 0.1573; 0.7607 1 0.7607; 0.1573 0.7607 1] (4 decimals as published).
    // Full precision from the numpy implementation above (41 iterations):
    // 0.7606898534022837, 0.15729810613837608.
    let a: [Double] = [1, 1, 0, 1, 1, 1, 0, 1, 1]
    let x = CorrelationMatrix.nearestCorrelation(a, count: 3)
    #expect(abs(x[1] - 0.7607) < 5e-5 && abs(x[2] - 0.1573) < 5e-5)
    let reference: [Double] = [
      1, 0.7606898534022837, 0.15729810613837608,
      0.7606898534022837, 1, 0.7606898534022839,
      0.15729810613837605, 0.7606898534022839, 1,
    ]
    #expect(Self.maxDifference(x, reference) < 1e-10)
    #expect(CorrelationMatrix.isPositiveSemidefinite(x, count: 3))
    #expect(x[0] == 1 && x[4] == 1 && x[8] == 1)
  }

  @Test func nonPSDExampleIsRepairedToAUnitDiagonalPSDMatrix() {
    let x = CorrelationMatrix.nearestCorrelation(Self.inconsistent, count: 3)
    // numpy reference (39 iterations): off-diagonal 0.7955106498368303, 0.2656743880076294.
    let reference: [Double] = [
      1, 0.7955106498368303, 0.2656743880076294,
      0.7955106498368302, 1, 0.79551064983683,
      0.2656743880076293, 0.79551064983683, 1,
    ]
    #expect(Self.maxDifference(x, reference) < 1e-10)
    #expect(CorrelationMatrix.smallestEigenvalue(x, count: 3) >= -1e-14)
    #expect((0..<3).allSatisfy { x[$0 * 4] == 1 })
    let symmetric = (0..<3).allSatisfy { (i: Int) -> Bool in
      (0..<3).allSatisfy { (j: Int) -> Bool in x[i * 3 + j] == x[j * 3 + i] }
    }
    #expect(symmetric)
  }

  @Test func nearestCorrelationLeavesAValidMatrixAlone() {
    let valid: [Double] = [1, 0.3, 0.1, 0.3, 1, 0.2, 0.1, 0.2, 1]
    #expect(Self.maxDifference(CorrelationMatrix.nearestCorrelation(valid, count: 3), valid) < 1e-14)
  }

  @Test func copulaFactorReproducesThePearsonMatrix() {
    let spearman: [Double] = [1, 0.3, 0.1, 0.3, 1, 0.2, 0.1, 0.2, 1]
    let pearson = CorrelationMatrix.pearson(fromSpearman: spearman, count: 3)
    // 2·sin(π·0.3/6) (numpy: 0.31286893008046174).
    #expect(abs(pearson[1] - 0.31286893008046174) < 1e-15)
    let l = CorrelationMatrix.gaussianCopulaFactor(spearman: spearman, count: 3)
    #expect(Self.isLowerTriangular(l, count: 3))
    #expect(Self.reconstructionError(l, pearson, count: 3) < 1e-14)
    // numpy.linalg.cholesky of the Pearson matrix.
    let reference: [Double] = [
      1, 0, 0, 0.31286893008046174, 0.949796311105864, 0, 0.10467191248588766, 0.18562752371726177,
      0.977029279589483,
    ]
    #expect(Self.maxDifference(l, reference) < 1e-14)
  }

  @Test func copulaFactorOfALargerMatrix() {
    let n = 30
    let spearman = (0..<(n * n)).map { pow(0.7, Double(abs($0 / n - $0 % n))) }
    let l = CorrelationMatrix.gaussianCopulaFactor(spearman: spearman, count: n)
    #expect(Self.isLowerTriangular(l, count: n))
    #expect(
      Self.reconstructionError(l, CorrelationMatrix.pearson(fromSpearman: spearman, count: n), count: n)
        < 1e-12)
  }

  @Test func copulaFactorOfASemidefiniteMatrixUsesTheFallback() {
    // Rank 1: every Spearman ρ is 1, so every Pearson ρ is exactly 1; Cholesky meets a zero pivot.
    let ones = [Double](repeating: 1, count: 9)
    #expect(
      CorrelationMatrix.cholesky(CorrelationMatrix.pearson(fromSpearman: ones, count: 3), count: 3) == nil)
    let l = CorrelationMatrix.gaussianCopulaFactor(spearman: ones, count: 3)
    #expect(Self.isLowerTriangular(l, count: 3))
    #expect(
      Self.reconstructionError(l, CorrelationMatrix.pearson(fromSpearman: ones, count: 3), count: 3) < 1e-10)

    // Rank 2: factors 0 and 1 identical, factor 2 independent of both.
    let rank2: [Double] = [1, 1, 0, 1, 1, 0, 0, 0, 1]
    let l2 = CorrelationMatrix.gaussianCopulaFactor(spearman: rank2, count: 3)
    #expect(Self.isLowerTriangular(l2, count: 3))
    #expect(
      Self.reconstructionError(l2, CorrelationMatrix.pearson(fromSpearman: rank2, count: 3), count: 3) < 1e-10
    )
  }

  @Test func copulaFactorWhenTheConversionLosesDefiniteness() {
    // The repaired matrix lies on the PSD boundary; its Pearson conversion has smallest
    // eigenvalue −0.01405933952028047 (numpy), so it is factored after its own repair.
    let repaired = CorrelationMatrix.nearestCorrelation(Self.inconsistent, count: 3)
    let pearson = CorrelationMatrix.pearson(fromSpearman: repaired, count: 3)
    #expect(abs(CorrelationMatrix.smallestEigenvalue(pearson, count: 3) - -0.01405933952028047) < 1e-9)
    let l = CorrelationMatrix.gaussianCopulaFactor(spearman: repaired, count: 3)
    #expect(Self.isLowerTriangular(l, count: 3))
    let target = CorrelationMatrix.nearestCorrelation(pearson, count: 3)
    #expect(Self.reconstructionError(l, target, count: 3) < 1e-10)
    // Unit diagonal: each row of L has norm 1.
    for i in 0..<3 {
      let rowNorm2 = (0..<3).reduce(0.0) { (sum: Double, k: Int) -> Double in
        sum + l[i * 3 + k] * l[i * 3 + k]
      }
      #expect(abs(rowNorm2 - 1) < 1e-10)
    }
  }

  @Test func trivialSizes() {
    #expect(CorrelationMatrix.gaussianCopulaFactor(spearman: [], count: 0) == [])
    #expect(CorrelationMatrix.gaussianCopulaFactor(spearman: [1], count: 1) == [1])
    #expect(CorrelationMatrix.nearestCorrelation([1], count: 1) == [1])
  }
}
