import Foundation

/// The bytes of a text being written (the reports' JSON writer, `JSONText`), in one
/// `malloc`ed block grown by `realloc` (a large block is remapped, not copied) and handed to
/// `Data` without a copy: a run's JSON is megabytes, and an array's doubling copies and the
/// final copy into `Data` touched three times its pages. Here, not in the reports, because
/// raw memory stays in `Internals/` (as ``Buffer``'s). A number is written into it as a
/// `TextOutputStream` (the text of its `description`, straight from the formatter's buffer:
/// no `String` per number).
package struct TextBytes: TextOutputStream {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  package private(set) var count = 0
  /// Kept while the bytes are written; freed by ``data()`` (through `Data`) or on release.
  private let owner: Owner

  final class Owner {
    var pointer: UnsafeMutablePointer<UInt8>?
    init(_ pointer: UnsafeMutablePointer<UInt8>) { self.pointer = pointer }
    deinit { free(pointer) }
  }

  package init() {
    capacity = 1 << 16
    guard let p = malloc(capacity) else { fatalError("TextBytes: out of memory") }
    base = p.assumingMemoryBound(to: UInt8.self)
    owner = Owner(base)
  }

  private mutating func reserve(_ extra: Int) {
    guard count + extra > capacity else { return }
    var grown = capacity * 2
    while grown < count + extra { grown *= 2 }
    guard let p = realloc(base, grown) else { fatalError("TextBytes: out of memory") }
    base = p.assumingMemoryBound(to: UInt8.self)
    capacity = grown
    owner.pointer = base
  }

  package mutating func append(_ byte: UInt8) {
    reserve(1)
    base[count] = byte
    count += 1
  }

  package mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
    reserve(bytes.count)
    (base + count).update(from: source, count: bytes.count)
    count += bytes.count
  }

  package mutating func append(contentsOf bytes: [UInt8]) {
    bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
  }

  package mutating func append(contentsOf bytes: ArraySlice<UInt8>) {
    bytes.withUnsafeBufferPointer { append(contentsOf: $0) }
  }

  package mutating func write(_ string: String) {
    var string = string
    string.withUTF8 { append(contentsOf: $0) }
  }

  package mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { append(contentsOf: buffer) }

  /// `JSONEncoder` drops a number's trailing ".0" (12.0 is written 12).
  package mutating func dropTrailingPointZero() {
    if count >= 2 && base[count - 2] == UInt8(ascii: ".") && base[count - 1] == UInt8(ascii: "0") { count -= 2 }
  }

  /// The bytes as `Data`, which takes the block over (the writer is done with it).
  package func data() -> Data {
    owner.pointer = nil
    return Data(bytesNoCopy: UnsafeMutableRawPointer(base), count: count, deallocator: .free)
  }
}
