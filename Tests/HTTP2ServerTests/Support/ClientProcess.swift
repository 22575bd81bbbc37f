import Foundation
import TestSupport

/// What an external client (curl, h2load, nghttp) printed.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `tool` with `arguments`, killing it after `timeout` seconds so no test can hang on it.
/// Output goes to temporary files, so a chatty client never blocks on a full pipe.
func runClient(_ tool: String, _ arguments: [String], timeout: Double = 15) throws -> ProcessResult {
    let directory = FileManager.default.temporaryDirectory
    let out = directory.appendingPathComponent("h2test-\(UUID().uuidString).out")
    let err = directory.appendingPathComponent("h2test-\(UUID().uuidString).err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: out)
        try? FileManager.default.removeItem(at: err)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
    process.arguments = arguments
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    try process.run()
    if finished.wait(timeout: .now() + timeout) == .timedOut {
        kill(process.processIdentifier, SIGKILL)
        finished.wait()
        throw TestFailure("\(tool) \(arguments.joined(separator: " ")) did not finish in \(timeout) s")
    }
    return ProcessResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

/// curl's `-w` line after the body: the HTTP version and the status, separated from the body by a marker.
struct CurlResponse {
    var httpVersion: String
    var status: Int
    var headers: [(String, String)]
    var body: String

    func header(_ name: String) -> String? { headers.first { $0.0 == name.lowercased() }?.1 }
}

/// Runs curl against `url` with `options` (e.g. `--http2-prior-knowledge`) and parses what it got.
func curl(_ options: [String], _ url: String) throws -> CurlResponse {
    let marker = "\n--curl-info--"
    let result = try runClient("curl", ["-sS", "--max-time", "10", "-D", "-",
                                        "-w", "\(marker)%{http_version} %{http_code}"] + options + [url])
    guard result.status == 0, let range = result.stdout.range(of: marker, options: .backwards) else {
        throw TestFailure("curl failed (\(result.status)): \(result.stderr)")
    }
    let info = result.stdout[range.upperBound...].split(separator: " ")
    var text = String(result.stdout[..<range.lowerBound])
    // With -D - every header section (101 first, on upgrade) precedes the body; keep the last one.
    var headers: [(String, String)] = []
    while let end = text.range(of: "\r\n\r\n"), text.hasPrefix("HTTP/") {
        headers = text[..<end.lowerBound].components(separatedBy: "\r\n").dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        text = String(text[end.upperBound...])
    }
    return CurlResponse(httpVersion: String(info[0]), status: Int(info[1]) ?? 0, headers: headers, body: text)
}
