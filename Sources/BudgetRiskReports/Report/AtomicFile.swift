import Foundation

/// Writes a set of output files as a whole: either every file is replaced, or none is.
///
/// 1. Every target is checked first: not empty, not a folder, a symbolic link or a special
///    file (device, pipe, socket), not an input of the run, and no two outputs the same file.
///    Links are refused rather than written through: replacing a link's target silently, or
///    the link itself, would both surprise someone; give the real path.
/// 2. Missing folders are created, and this program's stale temporaries in them (from a run
///    that was killed) are removed.
/// 3. Every file is written to a temporary name in its target folder. If any write fails
///    (a full disk, a permission), every temporary is removed and no target is touched.
/// 4. Existing targets are kept as hard links under a backup name; then every temporary is
///    renamed over its target (`rename(2)`, atomic per file). If a rename fails, the targets
///    already replaced are restored from their backups (or removed, if they were new).
///    Finally the backups are removed.
///
/// So a reader never sees half a file, and after a failure every old file is as it was and
/// no temporary is left behind. Only a process killed outright (SIGKILL, power loss) between
/// steps 4's renames can leave a mixed set; its temporaries are removed by the next run.
public enum AtomicFile {
  public struct WriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot write \(path.isEmpty ? "''" : path): \(reason)" }
  }

  /// One output: its path and bytes.
  public struct Output: Sendable {
    public var path: String
    public var data: Data
    public init(path: String, data: Data) { self.path = path; self.data = data }
  }

  /// The outputs of a folder (`--csv DIR`): one per file, named inside it.
  public static func outputs(files: [(name: String, data: Data)], into folder: String) -> [Output] {
    files.map { Output(path: URL(fileURLWithPath: folder).appendingPathComponent($0.name).path, data: $0.data) }
  }

  /// Writes one file atomically (the whole-set rules with a set of one).
  public static func write(_ data: Data, to path: String, inputs: [String] = []) throws(WriteError) {
    try write([Output(path: path, data: data)], inputs: inputs)
  }

  /// Writes `outputs` as a whole (see the type's discussion), refusing any that is an input.
  ///
  /// - Parameter write: writes one temporary file (tests pass one that fails).
  public static func write(
    _ outputs: [Output], inputs: [String] = [],
    write: (Data, URL) throws -> Void = { try $0.write(to: $1, options: .withoutOverwriting) }
  ) throws(WriteError) {
    try check(outputs.map(\.path), inputs: inputs)
    for folder in Set(outputs.map { URL(fileURLWithPath: $0.path).deletingLastPathComponent().path }) {
      try createFolder(folder)
      removeStaleTemporaries(in: folder)
    }
    let pid = ProcessInfo.processInfo.processIdentifier
    func sibling(_ path: String, _ suffix: String) -> URL {
      let url = URL(fileURLWithPath: path)
      return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(marker)-\(pid).\(suffix)")
    }
    // 3. Every temporary, or none.
    var temporaries: [URL] = []
    for output in outputs {
      let temporary = sibling(output.path, "tmp")
      // A leftover of a dead process whose id this one now has would block the exclusive create.
      unlink(temporary.path)
      do {
        try write(output.data, temporary)
        temporaries.append(temporary)
      } catch {
        for t in temporaries + [temporary] { unlink(t.path) }
        throw WriteError(path: output.path, reason: reason(error))
      }
    }
    // 4. Back up, rename all, restore on failure.
    var backups: [URL?] = []
    for output in outputs {
      let backup = sibling(output.path, "old")
      backups.append(link(output.path, backup.path) == 0 ? backup : nil)
    }
    defer { for case let b? in backups { unlink(b.path) } }
    for (k, output) in outputs.enumerated() where rename(temporaries[k].path, output.path) != 0 {
      let failure = WriteError(path: output.path, reason: String(cString: strerror(errno)))
      for j in 0..<k {
        if let b = backups[j] { rename(b.path, outputs[j].path) } else { unlink(outputs[j].path) }
        backups[j] = nil
      }
      for t in temporaries[k...] { unlink(t.path) }
      throw failure
    }
  }

  /// Fails early, before a long run, when an output could not be written: a bad path, a
  /// folder, link or special file in the way, an output that is an input or another output,
  /// or a nearest existing ancestor that is not a writable folder.
  public static func check(_ paths: [String], inputs: [String] = []) throws(WriteError) {
    var seen: [FileIdentity: String] = [:]
    let inputIdentities = Set(inputs.map(FileIdentity.init))
    for path in paths {
      guard !path.isEmpty else { throw WriteError(path: path, reason: "the path is empty") }
      guard !path.hasSuffix("/") else { throw WriteError(path: path, reason: "the path names a folder, not a file") }
      var info = stat()
      if lstat(path, &info) == 0 {
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw WriteError(path: path, reason: "it is a folder")
        case S_IFLNK: throw WriteError(path: path, reason: "it is a symbolic link (links are not written through; give the real path)")
        default: throw WriteError(path: path, reason: "it is not a regular file (a device, pipe or socket)")
        }
      }
      let identity = FileIdentity(path)
      if inputIdentities.contains(identity) {
        throw WriteError(path: path, reason: "it is an input of this run (the scenario would be overwritten)")
      }
      if let other = seen[identity] {
        throw WriteError(path: path, reason: "it is the same file as another output (\(other))")
      }
      seen[identity] = path
      try checkAncestor(path)
    }
  }

  /// Checks a folder output (`--csv DIR`) before a long run: the folder, if it exists, is a
  /// folder and not an input.
  public static func checkFolder(_ folder: String, inputs: [String] = []) throws(WriteError) {
    guard !folder.isEmpty else { throw WriteError(path: folder, reason: "the path is empty") }
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
      guard isFolder.boolValue else { throw WriteError(path: folder, reason: "it is a file, not a folder") }
    }
    try checkAncestor(URL(fileURLWithPath: folder).appendingPathComponent("x").path)
  }

  /// The nearest existing ancestor of `path` must be a writable folder (the rest is created).
  private static func checkAncestor(_ path: String) throws(WriteError) {
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

  /// The name part that marks this program's temporaries and backups:
  /// `.NAME.budget-risk-PID.tmp` and `.NAME.budget-risk-PID.old`.
  static let marker = "budget-risk"

  /// Removes, from `folder`, temporaries and backups of this program whose process is gone
  /// (also the `.NAME.tmp-PID` files of earlier versions).
  static func removeStaleTemporaries(in folder: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name.hasPrefix(".") {
      guard let pid = stalePID(name), pid != ProcessInfo.processInfo.processIdentifier else { continue }
      // kill(pid, 0) fails with ESRCH when no such process exists.
      if kill(pid, 0) != 0 && errno == ESRCH {
        unlink(URL(fileURLWithPath: folder).appendingPathComponent(name).path)
      }
    }
  }

  /// The process id in a temporary's or backup's name, if `name` is one.
  static func stalePID(_ name: String) -> pid_t? {
    for suffix in [".tmp", ".old"] where name.hasSuffix(suffix) {
      let stem = name.dropLast(suffix.count)
      guard let dash = stem.range(of: ".\(marker)-", options: .backwards) else { continue }
      return pid_t(stem[dash.upperBound...])
    }
    // Earlier versions: `.NAME.tmp-PID`.
    if let dash = name.range(of: ".tmp-", options: .backwards) { return pid_t(name[dash.upperBound...]) }
    return nil
  }

  private static func createFolder(_ folder: String) throws(WriteError) {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
      guard isFolder.boolValue else { throw WriteError(path: folder, reason: "\(folder) is not a folder") }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    } catch {
      throw WriteError(path: folder, reason: reason(error))
    }
  }

  private static func reason(_ error: any Error) -> String {
    if let e = error as? CocoaError, let underlying = e.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain
    {
      return String(cString: strerror(Int32(underlying.code)))
    }
    return (error as NSError).localizedDescription
  }
}

/// What makes two paths the same file: device and inode when it exists, else the absolute
/// path with its folder's links resolved.
private struct FileIdentity: Hashable {
  let key: String

  init(_ path: String) {
    var info = stat()
    if stat(path, &info) == 0 {
      key = "inode \(info.st_dev) \(info.st_ino)"
      return
    }
    let url = URL(fileURLWithPath: path).standardizedFileURL
    let folder = url.deletingLastPathComponent().resolvingSymlinksInPath().path
    key = "path \(folder)/\(url.lastPathComponent)"
  }
}
