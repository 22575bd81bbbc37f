import Foundation

/// What a child process (curl, h2load, a shell) printed, and how it exited.
public struct ProcessResult: Sendable {
    /// The exit status.
    public var status: Int32
    /// Everything it wrote to standard output, decoded as UTF-8.
    public var stdout: String
    /// Everything it wrote to standard error, decoded as UTF-8.
    public var stderr: String
}

/// Runs the executable at `path` with `arguments` (in `directory` if given), killing it after `timeout` seconds
/// so no test can hang on it; throws a ``TestFailure`` then.
/// Output goes to temporary files, so a chatty child never blocks on a full pipe.
public func runProcess(
    _ path: String, _ arguments: [String], in directory: URL? = nil, timeout: Double = 15
) throws -> ProcessResult {
    let temporary = FileManager.default.temporaryDirectory
    let out = temporary.appendingPathComponent("child-\(UUID().uuidString).out")
    let err = temporary.appendingPathComponent("child-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        finished.wait()
        throw TestFailure("\(path) \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
    }
    let read = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
    return ProcessResult(status: process.terminationStatus, stdout: read(out), stderr: read(err))
}
