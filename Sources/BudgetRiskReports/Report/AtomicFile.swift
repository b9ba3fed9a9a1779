import Foundation

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file
/// in the same folder, which is then renamed over the target. Missing folders on the way
/// are created, so `--json out/run.json` works on a fresh clone.
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path): \(reason)" }
  }

  public static func write(_ data: Data, to path: String) throws(WriteError) {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent()
    try createFolder(folder.path, for: path)
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
    try createFolder(folder, for: folder)
    for file in files {
      try write(file.data, to: URL(fileURLWithPath: folder).appendingPathComponent(file.name).path)
    }
  }

  /// Fails early, before a long run, when `path` could not be written: the nearest existing
  /// ancestor must be a writable folder (the rest is created at write time).
  public static func checkWritable(_ path: String) throws(WriteError) {
    var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    var isFolder: ObjCBool = false
    while !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
      let parent = folder.deletingLastPathComponent()
      if parent.path == folder.path { break }
      folder = parent
    }
    guard isFolder.boolValue else { throw WriteError(path: path, reason: "\(folder.path) is not a folder") }
    guard FileManager.default.isWritableFile(atPath: folder.path) else {
      throw WriteError(path: path, reason: "the folder \(folder.path) is not writable")
    }
  }

  private static func createFolder(_ folder: String, for path: String) throws(WriteError) {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
      guard isFolder.boolValue else { throw WriteError(path: path, reason: "\(folder) is not a folder") }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw WriteError(path: path, reason: error.localizedDescription)
    }
  }
}
