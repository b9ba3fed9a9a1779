import COpenBLAS

/// Every call into OpenBLAS goes through here; the rest of the package speaks Swift types.
///
/// Matrices are dense, row-major `Double` buffers. Dimensions are checked and converted to
/// the `Int32` that CBLAS takes, so an oversized matrix traps instead of wrapping.
@usableFromInline
enum BLAS {
  /// `C = A × B` for row-major `A` (m × k), `B` (k × n) and `C` (m × n).
  ///
  /// - Complexity: O(m·n·k).
  @usableFromInline
  static func multiply(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into c: UnsafeMutablePointer<Double>,
    m: Int, n: Int, k: Int
  ) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      c.update(repeating: 0, count: m * n)
      return
    }
    cblas_dgemm(
      CblasRowMajor, CblasNoTrans, CblasNoTrans,
      Int32(m), Int32(n), Int32(k),
      1.0, a, Int32(k), b, Int32(n),
      0.0, c, Int32(n))
  }

  /// Makes OpenBLAS single-threaded: Dispatch owns the parallelism, and nested thread pools
  /// would oversubscribe the cores.
  static func useSingleThread() {
    openblas_set_num_threads(1)
  }

  /// OpenBLAS's build configuration, core name and thread count, for the run manifest.
  static var configuration: String {
    let config = openblas_get_config().map { String(cString: $0) } ?? "unknown"
    let core = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
    return "\(config.trimmingCharacters()) (core \(core), \(openblas_get_num_threads()) thread(s))"
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
