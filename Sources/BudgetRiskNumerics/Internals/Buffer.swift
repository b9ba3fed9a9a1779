/// Fixed-size storage for the engine's hot loops, allocated once per worker and freed with
/// its owner: the one door to raw memory outside the C boundary.
///
/// Everything else reaches the memory through ``Handle``s (swift-collections' `_UnsafeHandle`
/// pattern): non-owning views with a start and a count whose every access is bounds-checked
/// by `assert` — in debug builds and tests, not in release, where the hot loops run at the
/// speed of raw pointers. A handle is valid while its buffer lives; the buffers never leave
/// the worker that made them.
///
/// Class storage rather than an `Array`: a class-held array costs a dynamic exclusivity check
/// and a copy-on-write uniqueness check on every write (together ~20 % of a run, callgrind).
///
/// `@_spi(HotPath) public` rather than `package`: Swift 6.3 does not inline a member of a
/// `package` type into another module, even when it is `@inlinable`, and the engine's loops
/// (BudgetRiskEngine) index buffers millions of times per run. The SPI keeps the type out of
/// the library's public API: only a module that writes `@_spi(HotPath) import` sees it.
@_spi(HotPath) public final class Buffer<Element> {
  /// The storage; read only by this file and `BLAS.swift` (the C boundary). Usable from
  /// inline code (not visible to other modules) so that the engine's loops, in another module,
  /// inline the handles' accesses down to pointer arithmetic.
  @usableFromInline package let base: UnsafeMutablePointer<Element>
  public let count: Int

  package init(_ count: Int, repeating value: Element) {
    precondition(count >= 0, "a buffer cannot have a negative size")
    self.count = count
    base = .allocate(capacity: Swift.max(1, count))
    base.initialize(repeating: value, count: Swift.max(1, count))
  }

  deinit {
    base.deinitialize(count: Swift.max(1, count))
    base.deallocate()
  }

  /// A view of the whole buffer.
  @inlinable @inline(__always)
  package var handle: Handle<Element> { Handle(base, count: count) }

  @inlinable @inline(__always)
  package subscript(i: Int) -> Element {
    get { handle[i] }
    _modify {
      assert(i >= 0 && i < count, "index \(i) out of 0..<\(count)")
      yield &base[i]
    }
  }

  /// Row `r` of a row-major matrix with rows of `width` elements.
  @inlinable @inline(__always)
  package func row(_ r: Int, width: Int) -> Handle<Element> { handle.row(r, width: width) }

  /// Sets every element to `value`.
  @inlinable
  package func fill(_ value: Element) { base.update(repeating: value, count: count) }

  /// The raw start, for the C boundary only (`BLAS.swift`), after its shape is checked.
  @inlinable @inline(__always)
  package func unsafeBaseForBLAS(count needed: Int) -> UnsafeMutablePointer<Element> {
    precondition(needed <= count, "BLAS operand of \(needed) elements in a buffer of \(count)")
    return base
  }
}

extension Buffer where Element == Double {
  /// A zero-filled buffer of `count` doubles.
  package convenience init(_ count: Int) { self.init(count, repeating: 0) }

  @inlinable
  package func zero() { fill(0) }
}

/// A non-owning view of `count` consecutive elements of a ``Buffer``, with asserted bounds.
/// Writing through it changes the buffer (reference semantics, like the pointer it wraps).
/// `@_spi(HotPath) public` for the reason given on ``Buffer``; its collection conformance makes
/// `count`, the subscript and the indices public too (within the SPI).
@_spi(HotPath) public struct Handle<Element> {
  @usableFromInline package let start: UnsafeMutablePointer<Element>
  public let count: Int

  @inlinable @inline(__always)
  package init(_ start: UnsafeMutablePointer<Element>, count: Int) {
    self.start = start
    self.count = count
  }

  @inlinable @inline(__always)
  public subscript(i: Int) -> Element {
    get {
      assert(i >= 0 && i < count, "index \(i) out of 0..<\(count)")
      return start[i]
    }
    nonmutating _modify {
      assert(i >= 0 && i < count, "index \(i) out of 0..<\(count)")
      yield &start[i]
    }
  }

  /// Row `r` of a row-major matrix with rows of `width` elements.
  @inlinable @inline(__always)
  package func row(_ r: Int, width: Int) -> Handle {
    assert(r >= 0 && width >= 0 && (r + 1) * width <= count, "row \(r) × \(width) out of \(count)")
    return Handle(start + r * width, count: width)
  }

  /// Elements `offset ..< offset + length`.
  @inlinable @inline(__always)
  package func slice(from offset: Int, count length: Int) -> Handle {
    assert(offset >= 0 && length >= 0 && offset + length <= count, "slice \(offset)+\(length) out of \(count)")
    return Handle(start + offset, count: length)
  }

  /// Copies `source` (of the same count) into this view.
  @inlinable @inline(__always)
  package func update(from source: Handle) {
    assert(source.count == count, "copying \(source.count) elements into \(count)")
    start.update(from: source.start, count: count)
  }

  /// Sets every element to `value`.
  @inlinable @inline(__always)
  package func fill(_ value: Element) { start.update(repeating: value, count: count) }

  /// The view's `count` elements as a raw pointer, for a consumer that reads them in one
  /// call (the histograms, the drivers); the pointer must not escape `body`.
  @inlinable @inline(__always)
  package func withUnsafeBase<R>(_ body: (UnsafePointer<Element>) throws -> R) rethrows -> R {
    try body(UnsafePointer(start))
  }
}

@_spi(HotPath) extension Handle: RandomAccessCollection {
  @inlinable public var startIndex: Int { 0 }
  @inlinable public var endIndex: Int { count }
}
