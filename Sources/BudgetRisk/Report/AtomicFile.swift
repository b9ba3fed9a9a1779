import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file
/// in the same folder, which is then renamed over the target.
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
  }

  public static func write(_ data: Data, to path: String) throws(WriteError) {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent()
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
      throw WriteError(path: path, reason: "the folder \(folder.path) does not exist")
    }
    let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    do {
      try data.write(to: temporary)
      // rename(2) replaces an existing target atomically. (FileManager.replaceItemAt fails
      // on Linux when the target exists and the path is absolute.)
      guard rename(temporary.path, url.path) == 0 else {
        throw WriteError(path: path, reason: String(cString: strerror(errno)))
      }
    } catch let error as WriteError {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw WriteError(path: path, reason: error.localizedDescription)
    }
  }

  /// Writes several files into `folder` (created if missing) only after all of them are built.
  public static func write(files: [(name: String, data: Data)], into folder: String) throws(WriteError) {
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw WriteError(path: folder, reason: error.localizedDescription)
    }
    for file in files {
      try write(file.data, to: URL(fileURLWithPath: folder).appendingPathComponent(file.name).path)
    }
  }
}
