import Foundation
import TestSupport

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
    let result = try runProcess("/usr/bin/curl", ["-sS", "--max-time", "10", "-D", "-",
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
