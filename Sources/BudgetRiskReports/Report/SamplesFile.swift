import Foundation
import ZIPFoundation
import BudgetRiskStudies

/// `run --samples PATH`: the run's ``SampleTable`` as gzip-compressed CSV (RFC 1952 around
/// ZIPFoundation's deflate), which pandas (`read_csv`), polars and R (`read.csv`) read
/// directly. No Parquet or Arrow library is available to this project, so CSV it is.
///
/// Numbers are written in Swift's shortest round-trip form, so every value reads back as the
/// double the run computed; the whole-number columns (`iteration`, `overspent.*`) as integers.
public enum SamplesFile {
  /// The CSV text, header first.
  public static func csv(_ table: SampleTable) -> Data {
    var text = table.names.map(quoted).joined(separator: ",") + "\n"
    let width = table.names.count
    text.reserveCapacity(table.values.count * 12)
    for row in 0..<table.rowCount {
      for c in 0..<width {
        if c > 0 { text += "," }
        let x = table.values[row * width + c]
        text += table.isInteger[c] ? String(Int(x)) : "\(x)"
      }
      text += "\n"
    }
    return Data(text.utf8)
  }

  /// The CSV, gzip-compressed.
  public static func encode(_ table: SampleTable) throws -> Data {
    try gzip(csv(table))
  }

  /// `data` as one gzip member: a 10-byte header, raw deflate, CRC-32 and length.
  static func gzip(_ data: Data) throws -> Data {
    var out = Data([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
    let crc = try Data.compress(size: Int64(data.count), bufferSize: 1 << 16, provider: { position, size in
      data.subdata(in: Int(position)..<Int(position) + size)
    }, consumer: { out.append($0) })
    for value in [crc, UInt32(truncatingIfNeeded: data.count)] {
      withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
    return out
  }

  private static func quoted(_ name: String) -> String {
    name.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
      ? "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : name
  }
}
