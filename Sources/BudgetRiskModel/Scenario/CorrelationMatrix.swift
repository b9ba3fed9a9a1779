import Foundation
import BudgetRiskNumerics

/// Checks, repair and factorisation of correlation matrices (row-major `[Double]`, `count × count`).
///
/// - The scenario's rank (Spearman) correlation must be positive semi-definite (PSD): its
///   smallest eigenvalue at least `−psdTolerance`.
/// - A matrix that is not can be repaired, on request, to the nearest correlation matrix in
///   the Frobenius norm (Higham 2002).
/// - The engine draws factors through a Gaussian copula, which needs a factor `L` of the
///   normal (Pearson) correlation that reproduces the Spearman one.
public enum CorrelationMatrix {
  /// Absolute tolerance of the PSD check: a correlation matrix is accepted when its smallest
  /// eigenvalue is at least `−1e-10`. Correlation matrices have unit diagonal, so their
  /// eigenvalues are O(1) and an absolute tolerance is meaningful; 1e-10 is far above
  /// rounding in the eigen-decomposition (≈ 1e-15·n) and far below any user-visible change.
  public static let psdTolerance = 1e-10

  /// The smallest eigenvalue of a symmetric matrix.
  public static func smallestEigenvalue(_ matrix: [Double], count: Int) -> Double {
    guard count > 0 else { return 0 }
    return SymmetricEigendecomposition(matrix, count: count).values[0]
  }

  /// Whether the smallest eigenvalue is at least `−tolerance`.
  public static func isPositiveSemidefinite(
    _ matrix: [Double], count: Int, tolerance: Double = psdTolerance
  ) -> Bool {
    smallestEigenvalue(matrix, count: count) >= -tolerance
  }

  /// The nearest correlation matrix in the Frobenius norm: Higham's alternating projections
  /// with Dykstra's correction (N. J. Higham, "Computing the nearest correlation matrix — a
  /// problem from finance", IMA J. Numer. Anal. 22 (2002) 329–343, Algorithm 3.3, W = I).
  ///
  /// ```
  /// ΔS₀ = 0, Y₀ = A
  /// for k = 1, 2, …
  ///   Rₖ  = Yₖ₋₁ − ΔSₖ₋₁
  ///   Xₖ  = P_S(Rₖ)        (eigenvalues clipped at 0: nearest PSD matrix)
  ///   ΔSₖ = Xₖ − Rₖ         (Dykstra's correction)
  ///   Yₖ  = P_U(Xₖ)        (diagonal set to 1)
  /// until ‖Xₖ − Xₖ₋₁‖, ‖Yₖ − Yₖ₋₁‖ and ‖Yₖ − Xₖ‖ are all ≤ tolerance · ‖Yₖ‖
  /// ```
  ///
  /// At convergence `X` (PSD) and `Y` (unit diagonal) agree to the tolerance; the result is
  /// `X` rescaled to unit diagonal, `D^{-1/2} X D^{-1/2}`, which is both exactly (to
  /// rounding) PSD and unit-diagonal, and within about the tolerance of Higham's `Y`.
  ///
  /// - Parameters:
  ///   - matrix: A symmetric matrix with unit diagonal (only its symmetric part is used).
  ///   - count: Its side.
  ///   - tolerance: Relative convergence tolerance; by default `max(1e-14, 4nε)`, as tight
  ///     as rounding in an n-sided eigen-decomposition allows.
  ///   - maxIterations: Upper bound on the iterations (convergence is linear).
  /// - Returns: A PSD matrix with unit diagonal, row-major.
  /// - Complexity: O(n³) per iteration.
  public static func nearestCorrelation(
    _ matrix: [Double], count n: Int, tolerance: Double? = nil, maxIterations: Int = 10_000
  ) -> [Double] {
    precondition(matrix.count == n * n)
    guard n > 0 else { return [] }
    let tolerance = tolerance ?? max(1e-14, 4 * Double(n) * Double.ulpOfOne)
    var y = matrix
    for i in 0..<n {
      for j in 0..<n { y[i * n + j] = 0.5 * (matrix[i * n + j] + matrix[j * n + i]) }
    }
    var correction = [Double](repeating: 0, count: n * n)
    var x = y
    func norm(_ a: [Double]) -> Double { a.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    func distance(_ a: [Double], _ b: [Double]) -> Double {
      zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
    for _ in 0..<maxIterations {
      let r = zip(y, correction).map { $0 - $1 }
      let xNew = SymmetricEigendecomposition(r, count: n).reconstructed { max($0, 0) }
      correction = zip(xNew, r).map { $0 - $1 }
      var yNew = xNew
      for i in 0..<n { yNew[i * n + i] = 1 }
      let scale = norm(yNew)
      let converged =
        distance(xNew, x) <= tolerance * scale && distance(yNew, y) <= tolerance * scale
        && distance(yNew, xNew) <= tolerance * scale
      x = xNew
      y = yNew
      if converged { break }
    }
    // Rescale the PSD iterate to unit diagonal (a congruence, so it stays PSD).
    let d = (0..<n).map { x[$0 * n + $0] }
    guard d.allSatisfy({ $0 > 0 }) else { return y }
    var result = x
    for i in 0..<n {
      for j in 0..<n { result[i * n + j] = x[i * n + j] / (d[i] * d[j]).squareRoot() }
      result[i * n + i] = 1
    }
    return result
  }

  /// The Pearson correlation of the normal copula with the given Spearman correlation:
  /// `ρ = 2 sin(π ρₛ / 6)`, with an exact unit diagonal. `ρₛ = ±1` maps to exactly `±1`
  /// (in floating point `2 sin(π/6)` is 0.9999999999999999, which would hide a perfect
  /// correlation's zero pivot behind a rounding error).
  public static func pearson(fromSpearman spearman: [Double], count n: Int) -> [Double] {
    var p = spearman.map { abs($0) == 1 ? $0 : 2 * sin(Double.pi * $0 / 6) }
    for i in 0..<n { p[i * n + i] = 1 }
    return p
  }

  /// A lower-triangular factor of the Gaussian copula's normal correlation.
  ///
  /// Converts the Spearman correlation to the normal copula's Pearson correlation
  /// `P = 2 sin(π ρₛ / 6)` and returns `L` with `L·Lᵀ = P`:
  ///
  /// 1. Cholesky, when every pivot is positive and `L·Lᵀ` reproduces `P` within 1e-10
  ///    (Cholesky is backward stable, so this is the case for every positive definite `P`,
  ///    however ill-conditioned).
  /// 2. Otherwise `P` is semi-definite (a zero pivot) or lost definiteness in the
  ///    conversion: an eigen fallback. If the smallest eigenvalue of `P` is below
  ///    `−psdTolerance` (the sine map can break PSD, e.g. for a Spearman matrix repaired onto
  ///    the PSD boundary), `P` is first replaced by its nearest correlation matrix
  ///    (``nearestCorrelation(_:count:tolerance:maxIterations:)``); otherwise negative
  ///    eigenvalues (≥ −1e-10) are clipped to 0. With `B = V·Λ₊^{1/2}`, a Householder QR
  ///    `Bᵀ = Q·R` gives `L = Rᵀ` (diagonal made non-negative), lower triangular with
  ///    `L·Lᵀ = B·Bᵀ`. The factor then reproduces `P` within 1e-10 in the semi-definite case
  ///    and reproduces the nearest correlation matrix to `P` in the repaired case.
  ///
  /// - Parameters:
  ///   - spearman: Row-major `count × count` rank correlation (symmetric, unit diagonal, PSD).
  ///   - count: Its side.
  /// - Returns: Row-major `count × count` lower-triangular `L` (zeros above the diagonal).
  /// - Complexity: O(n³).
  public static func gaussianCopulaFactor(spearman: [Double], count n: Int) -> [Double] {
    precondition(spearman.count == n * n)
    return lowerFactor(pearson: pearson(fromSpearman: spearman, count: n), count: n)
  }

  /// A lower-triangular `L` with `L·Lᵀ = p` for a normal (Pearson) correlation matrix `p`:
  /// Cholesky, or for a singular or repaired matrix the triangular factor of `V·√Λ`.
  package static func lowerFactor(pearson p: [Double], count n: Int) -> [Double] {
    if let l = cholesky(p, count: n), maxReconstructionError(l, p, count: n) <= 1e-10 { return l }
    var target = p
    if smallestEigenvalue(p, count: n) < -psdTolerance {
      target = nearestCorrelation(p, count: n)
    }
    let e = SymmetricEigendecomposition(target, count: n)
    // Bᵀ, row-major: (Bᵀ)[k][i] = V[i][k] · √λₖ.
    var bt = [Double](repeating: 0, count: n * n)
    for k in 0..<n {
      let root = max(e.values[k], 0).squareRoot()
      for i in 0..<n { bt[k * n + i] = e.vectors[i * n + k] * root }
    }
    let r = householderR(bt, count: n)
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      let sign: Double = r[i * n + i] < 0 ? -1 : 1
      for j in i..<n { l[j * n + i] = sign * r[i * n + j] }
    }
    return l
  }

  /// Plain Cholesky `A = L·Lᵀ`; nil when a pivot is not positive.
  static func cholesky(_ a: [Double], count n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    for j in 0..<n {
      var d = a[j * n + j]
      for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
      guard d > 0 else { return nil }
      let ljj = d.squareRoot()
      l[j * n + j] = ljj
      for i in (j + 1)..<n {
        var s = a[i * n + j]
        for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
        l[i * n + j] = s / ljj
      }
    }
    return l
  }

  /// The upper-triangular `R` of a Householder QR of a square matrix (row-major; zeros below
  /// the diagonal).
  static func householderR(_ matrix: [Double], count n: Int) -> [Double] {
    var a = matrix
    for k in 0..<n {
      var norm = 0.0
      for i in k..<n { norm += a[i * n + k] * a[i * n + k] }
      norm = norm.squareRoot()
      if norm == 0 { continue }
      let alpha = a[k * n + k] > 0 ? -norm : norm
      var v = (k..<n).map { a[$0 * n + k] }
      v[0] -= alpha
      let vv = v.reduce(0) { $0 + $1 * $1 }
      if vv == 0 { continue }
      for j in k..<n {
        var dot = 0.0
        for i in k..<n { dot += v[i - k] * a[i * n + j] }
        let f = 2 * dot / vv
        for i in k..<n { a[i * n + j] -= f * v[i - k] }
      }
      for i in (k + 1)..<n { a[i * n + k] = 0 }
    }
    return a
  }

  /// `max |(L·Lᵀ − A)ᵢⱼ|`.
  static func maxReconstructionError(_ l: [Double], _ a: [Double], count n: Int) -> Double {
    var worst = 0.0
    for i in 0..<n {
      for j in 0...i {
        var s = 0.0
        for k in 0...j { s += l[i * n + k] * l[j * n + k] }
        worst = max(worst, abs(s - a[i * n + j]))
      }
    }
    return worst
  }
}
