import Foundation
import Solvers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The UR5 workload over HTTP: the first `count` targets of ``IKWorkload`` (1,000 by default) sent one after the
/// other as `POST /v1/ik` requests to a running server on one keep-alive HTTP/1.1 connection, with the same
/// settings as the in-process benchmark and the request's defaults for the rest. Counts the responses whose
/// `status` is `converged` and times each request from the first byte sent to the last byte received.
///
/// Run: `make run` (or `.build/release/jacobian-server`) in one shell, then
/// `swift run -c release jacobian-bench ik-http [host:port] [count]` (default `127.0.0.1:8080`, 1000).
func runIKHTTPBenchmark(_ arguments: [String]) {
    let address = arguments.first ?? "127.0.0.1:8080"
    let count = arguments.count > 1 ? Int(arguments[1]) ?? 1_000 : 1_000
    let parts = address.split(separator: ":")
    guard parts.count == 2, let port = UInt16(parts[1]) else {
        print("ik-http: expected host:port, got \(address)")
        return
    }
    let host = String(parts[0])
    guard let connection = BenchConnection(host: host, port: port) else {
        print("ik-http: cannot connect to \(address); start the server first (make run)")
        return
    }
    defer { connection.close() }

    let bodies = IKWorkload.targets(count: count).map(requestBody)
    var solved = 0, attempts = 0
    var statuses: [String: Int] = [:]
    var latencies: [Double] = []
    let clock = ContinuousClock()
    for body in bodies {
        var response: (status: Int, body: [UInt8])?
        let elapsed = clock.measure { response = connection.post(path: "/v1/ik", host: host, body: body) }
        guard let response, response.status == 200,
              let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
              let status = object["status"] as? String
        else {
            print("ik-http: request failed: \(response.map { "HTTP \($0.status): \(String(decoding: $0.body, as: UTF8.self))" } ?? "no response")")
            return
        }
        latencies.append(IKWorkload.seconds(elapsed))
        statuses[status, default: 0] += 1
        attempts += object["attempts"] as? Int ?? 0
        if status == "converged" { solved += 1 }
    }
    let mean = latencies.reduce(0, +) / Double(latencies.count)
    let sorted = latencies.sorted()
    let failures = statuses.filter { $0.key != "converged" }.map { "\($0.key) \($0.value)" }.sorted()
    print("ik over HTTP: \(count) UR5 poses to http://\(address)/v1/ik, one keep-alive HTTP/1.1 connection, "
        + "\(IKWorkload.method.rawValue), max_iterations \(IKWorkload.maxIterations), tolerance \(IKWorkload.tolerance), default restarts")
    print("  solved:            \(solved)/\(count) = \(IKWorkload.percent(Double(solved) / Double(count)))"
        + (failures.isEmpty ? "" : "  (others: \(failures.joined(separator: ", ")))"))
    print("  mean per request:  \(IKWorkload.rounded(mean * 1e6)) µs  (median \(IKWorkload.rounded(sorted[sorted.count / 2] * 1e6)) µs, "
        + "99th percentile \(IKWorkload.rounded(sorted[sorted.count * 99 / 100] * 1e6)) µs)")
    print("  attempts:          \(IKWorkload.rounded(Double(attempts) / Double(count))) per request")
    print("  target ≥ 99.9% solved: \(Double(solved) >= 0.999 * Double(count) ? "met" : "NOT met")")
}

/// The JSON a user would send for one target: the UR5 as DH joints, the fixed start, the target with its rotation
/// matrix, and the benchmark's settings.
private func requestBody(_ target: (position: [Double], rotation: Rotation)) -> [UInt8] {
    func list(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
    guard case .denavitHartenberg(let joints) = IKWorkload.ur5 else { fatalError("the UR5 is a DH chain") }
    let arm = joints.map { "{\"a\": \($0.a), \"alpha\": \($0.alpha), \"d\": \($0.d)}" }.joined(separator: ", ")
    let json = """
        {"arm": {"type": "dh", "joints": [\(arm)]}, "joint_angles": \(list(IKWorkload.start)), \
        "target": {"position": \(list(target.position)), "orientation": {"matrix": [\(target.rotation.rows.map(list).joined(separator: ", "))]}}, \
        "method": "\(IKWorkload.method.rawValue)", "max_iterations": \(IKWorkload.maxIterations), "tolerance": \(IKWorkload.tolerance), \
        "joint_limits": [\(IKWorkload.limits.map(list).joined(separator: ", "))]}
        """
    return Array(json.utf8)
}
