import COpenBLAS

/// Every call into OpenBLAS goes through here; the rest of the package speaks Swift types.
///
/// Matrices are dense, row-major `Double` buffers. Dimensions are checked and converted to
/// the `Int32` that CBLAS takes, so an oversized matrix traps instead of wrapping.
@usableFromInline
package enum BLAS {
  /// `C = A × B` for row-major `A` (m × k), `B` (k × n) and `C` (m × n).
  ///
  /// The shapes are checked against the buffers' sizes (a trap, in every build, rather than
  /// a read or write past the end); this is the only place their raw storage is handed out.
  ///
  /// - Complexity: O(m·n·k).
  package static func multiply(_ a: Buffer<Double>, _ b: [Double], into c: Buffer<Double>, m: Int, n: Int, k: Int) {
    precondition(m >= 0 && n >= 0 && k >= 0, "negative matrix shape \(m) × \(k) × \(n)")
    precondition(b.count >= k * n, "B holds \(b.count) elements, \(k) × \(n) needed")
    let cBase = c.unsafeBaseForBLAS(count: m * n)
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      cBase.update(repeating: 0, count: m * n)
      return
    }
    let aBase = a.unsafeBaseForBLAS(count: m * k)
    b.withUnsafeBufferPointer { b in
      cblas_dgemm(
        CblasRowMajor, CblasNoTrans, CblasNoTrans,
        Int32(m), Int32(n), Int32(k),
        1.0, aBase, Int32(k), b.baseAddress, Int32(n),
        0.0, cBase, Int32(n))
    }
  }

  /// Makes OpenBLAS single-threaded: Dispatch owns the parallelism, and nested thread pools
  /// would oversubscribe the cores.
  package static func useSingleThread() {
    openblas_set_num_threads(1)
  }

  /// OpenBLAS's build configuration, core name and thread count, for the run manifest.
  package static var configuration: String {
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
