import Foundation
import Synchronization
import TestSupport

/// The built `jacobian-server` executable run as a child process, its output collected as it comes.
///
/// `@unchecked Sendable`: `process` is only read after `run()` (pid, status, waiting), which Foundation's
/// `Process` supports from any thread; the output buffers are behind their own locks.
final class ServerProcess: @unchecked Sendable {
    /// The product next to the test bundle: SwiftPM builds every product of the package into the same directory.
    static var executableURL: URL {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On macOS the tests run inside a bundle: .build/debug/X.xctest/Contents/MacOS/X.
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "MacOS"
            || directory.lastPathComponent == "Contents"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("jacobian-server")
    }

    let process: Process
    private let output = OutputBuffer()
    private let errorOutput = OutputBuffer()
    private let finished = DispatchGroup()

    /// Starts the server with `arguments` and `environment` (added to a minimal one: no inherited PORT or HOST).
    init(arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = Self.executableURL
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { _, new in new }
        let standardOutput = Pipe(), standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        self.process = process
        try process.run()
        Self.drain(standardOutput.fileHandleForReading, into: output, group: finished)
        Self.drain(standardError.fileHandleForReading, into: errorOutput, group: finished)
    }

    /// Reads a pipe to its end on a thread of its own, so that the child never blocks on a full pipe.
    private static func drain(_ handle: FileHandle, into buffer: OutputBuffer, group: DispatchGroup) {
        group.enter()
        Thread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.data.withLock { $0.append(chunk) }
            }
            group.leave()
        }.start()
    }

    /// Everything written to standard output so far.
    var standardOutput: String { output.data.withLock { String(decoding: $0, as: UTF8.self) } }
    /// Everything written to standard error so far.
    var standardError: String { errorOutput.data.withLock { String(decoding: $0, as: UTF8.self) } }

    /// The port from the start-up line `listening on HOST:PORT`, once it has been written.
    func waitForPort(seconds: Int = 30) throws -> Int {
        var port: Int?
        try waitFor("the server to print its port", seconds: seconds) {
            guard process.isRunning else {
                throw TestFailure("the server exited: \(standardOutput) \(standardError)")
            }
            port = Self.listeningPort(in: standardOutput)
            return port != nil
        }
        return port!
    }

    static func listeningPort(in text: String) -> Int? {
        guard let match = text.firstMatch(of: /listening on [^ "]*:([0-9]+)/) else { return nil }
        return Int(match.1)
    }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the child to exit, up to `seconds`; returns its exit status, or nil if it is still running
    /// (then kills it so that no process outlives the test).
    func waitForExit(seconds: Int) -> Int32? {
        let exited = DispatchGroup()
        exited.enter()
        Thread {
            self.process.waitUntilExit()
            exited.leave()
        }.start()
        guard exited.wait(timeout: .now() + .seconds(seconds)) == .success else {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        _ = finished.wait(timeout: .now() + .seconds(5))
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Bytes a reader thread appends and the test reads.
private final class OutputBuffer: Sendable {
    let data = Mutex(Data())
}
