/// Eigenvalues and eigenvectors of a real symmetric matrix, by the cyclic Jacobi method.
///
/// The matrices here are correlation matrices over a scenario's factors (at most a few
/// hundred entries a side), where Jacobi's simplicity and accuracy matter more than speed:
/// it computes small eigenvalues to high relative accuracy, which is what the positive
/// semi-definiteness check and the nearest-correlation repair depend on.
///
/// ```
/// A = V · diag(values) · Vᵀ,   VᵀV = I
/// ```
///
/// - Complexity: O(n³) per sweep; convergence is quadratic, typically 6–10 sweeps.
public struct SymmetricEigendecomposition: Sendable {
  /// Side of the matrix.
  public let count: Int
  /// Eigenvalues in ascending order.
  public let values: [Double]
  /// Row-major `count × count`; column `j` is the unit eigenvector for `values[j]`.
  public let vectors: [Double]

  /// Decomposes a symmetric matrix.
  ///
  /// - Parameters:
  ///   - matrix: Row-major `count × count`. Only its symmetric part `(A + Aᵀ) / 2` is used.
  ///   - count: The side of the matrix.
  public init(_ matrix: [Double], count n: Int) {
    precondition(matrix.count == n * n, "expected \(n * n) entries, found \(matrix.count)")
    self.count = n
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0..<n { a[i * n + j] = 0.5 * (matrix[i * n + j] + matrix[j * n + i]) }
    }
    var v = [Double](repeating: 0, count: n * n)
    for i in 0..<n { v[i * n + i] = 1 }
    a.withUnsafeMutableBufferPointer { a in
      v.withUnsafeMutableBufferPointer { v in Self.jacobi(a, v, count: n) }
    }
    let order = (0..<n).sorted { a[$0 * n + $0] < a[$1 * n + $1] }
    values = order.map { a[$0 * n + $0] }
    var sorted = [Double](repeating: 0, count: n * n)
    for (j, source) in order.enumerated() {
      for i in 0..<n { sorted[i * n + j] = v[i * n + source] }
    }
    vectors = sorted
  }

  /// Cyclic Jacobi sweeps on `a` (symmetric, overwritten with its eigenvalues on the
  /// diagonal), accumulating the rotations in `v`.
  ///
  /// Each rotation zeroes `a[p][q]` (Numerical Recipes §11.1 form, using symmetry so only rows
  /// and columns `p`, `q` change). Sweeps stop when every off-diagonal entry is zero; after
  /// three sweeps an entry negligible beside both diagonal entries is set to zero, so this
  /// happens in finitely many sweeps (at most 100).
  private static func jacobi(
    _ a: UnsafeMutableBufferPointer<Double>, _ v: UnsafeMutableBufferPointer<Double>, count n: Int
  ) {
    for sweep in 0..<100 {
      var off = 0.0
      for p in 0..<n { for q in (p + 1)..<n { off += a[p * n + q] * a[p * n + q] } }
      if off == 0 { return }
      for p in 0..<n {
        for q in (p + 1)..<n {
          let apq = a[p * n + q]
          if apq == 0 { continue }
          let app = a[p * n + p]
          let aqq = a[q * n + q]
          if sweep > 3, abs(app) + 1e3 * abs(apq) == abs(app), abs(aqq) + 1e3 * abs(apq) == abs(aqq) {
            a[p * n + q] = 0
            a[q * n + p] = 0
            continue
          }
          // t = tan θ, the smaller root of t² + 2ϑt − 1 = 0 with ϑ = (aqq − app) / (2 apq).
          let theta = (aqq - app) / (2 * apq)
          let t: Double
          if abs(theta) > 1e150 {
            t = 1 / (2 * theta)
          } else {
            t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
          }
          let c = 1 / (t * t + 1).squareRoot()
          let s = t * c
          for k in 0..<n where k != p && k != q {
            let akp = a[k * n + p]
            let akq = a[k * n + q]
            let newP = c * akp - s * akq
            let newQ = s * akp + c * akq
            a[k * n + p] = newP
            a[p * n + k] = newP
            a[k * n + q] = newQ
            a[q * n + k] = newQ
          }
          a[p * n + p] = app - t * apq
          a[q * n + q] = aqq + t * apq
          a[p * n + q] = 0
          a[q * n + p] = 0
          for k in 0..<n {  // V ← V·J
            let vkp = v[k * n + p]
            let vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
  }

  /// `V · diag(f(λ)) · Vᵀ`, row-major: the matrix with each eigenvalue replaced by `f(λ)`.
  public func reconstructed(_ f: (Double) -> Double = { $0 }) -> [Double] {
    let n = count
    let mapped = values.map(f)
    var out = [Double](repeating: 0, count: n * n)
    vectors.withUnsafeBufferPointer { v in
      out.withUnsafeMutableBufferPointer { out in
        for i in 0..<n {
          for j in i..<n {
            var sum = 0.0
            for k in 0..<n { sum += v[i * n + k] * mapped[k] * v[j * n + k] }
            out[i * n + j] = sum
            out[j * n + i] = sum
          }
        }
      }
    }
    return out
  }
}
