import Foundation
import HTTPServer
import JacobianEngine
import Logging
import Synchronization

/// The middleware that gives every request a correlation id and one access-log line.
///
/// The id is the request's `X-Request-Id` when it is 1 to 128 visible ASCII characters (anything else could
/// forge log lines or bloat them), otherwise a new random one. It is set on the request the inner responder sees
/// and on the response. The line, logged after the response is computed, carries `method`, `path`, `status`,
/// `duration_ms`, `bytes` (response body) and `request_id`; error responses (4xx, 5xx) add the problem's `detail`
/// as `error`, and server faults (5xx but 501, 503 and 505) are logged at error level so that they stand out.
///
/// Successful answers on `quietPaths` (by default the probes and the scrape, which arrive every few seconds from
/// every prober) are logged at debug level, so that they do not drown the lines that matter.
///
/// A request an inline attempt declined (`next` returned nil) is neither logged nor answered here: it comes back
/// through the chain on the worker pool, where its one line is written.
public func requestLogging(
    logger: Logger, quietPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]
) -> HTTPMiddleware {
    // The service's own handler is given the line's fields directly (see `LineLogHandler.write`).
    let lineHandler = logger.handler as? LineLogHandler
    return { incoming, next in
        let started = ContinuousClock.now
        var request = incoming
        let requestID = RequestID.accepted(request.headers["X-Request-Id"]) ?? RequestID.generate()
        request.headers.replaceOrAdd("X-Request-Id", requestID)
        guard var response = next(request) else { return nil }
        response.headers.replaceOrAdd("X-Request-Id", requestID)

        let elapsed = ContinuousClock.now - started
        let code = response.status.code
        let level = code < 400 && quietPaths.contains(request.path) ? .debug : level(forStatus: code)
        guard logger.logLevel <= level else { return response }
        // In key order, as `LineLogHandler` writes them.
        var fields: [(String, LogValue)] = [
            ("bytes", .number(String(response.body.count))),
            ("duration_ms", .number(String(milliseconds(elapsed)))),
        ]
        if code >= 400, let detail = response.failureDetail { fields.append(("error", .text(detail))) }
        fields += [
            ("method", .text(Echo.cut(request.method))),
            ("path", .text(Echo.cut(request.path))),
            ("request_id", .text(requestID)),
            ("status", .number(String(code))),
        ]
        if let lineHandler, lineHandler.writesFieldsAsGiven {
            lineHandler.write(level: level, message: "request", sortedFields: fields)
        } else {
            logger.log(
                level: level, "request",
                metadata: Logger.Metadata(uniqueKeysWithValues: fields.map { ($0.0, $0.1.metadataValue) }))
        }
        return response
    }
}

/// Gives the server's answers outside the middleware (400 for an unparseable request, 408, 413, 414, 431, 501 for
/// a transfer coding, 503 for a full connection table or byte budget: `HTTPServerConfiguration.refusalObserver`)
/// a request id and a log line. The request was not read whole, so its `X-Request-Id` is not known: the id is
/// always new. Route errors (404, 405) and overload refusals of read requests are logged by `requestLogging`.
public func refusalLogging(logger: Logger) -> HTTPRefusalObserver {
    return { response in
        let requestID = RequestID.generate()
        response.headers.replaceOrAdd("X-Request-Id", requestID)
        let code = response.status.code
        var metadata: Logger.Metadata = [
            "status": .stringConvertible(code),
            "bytes": .stringConvertible(response.body.count),
            "request_id": .string(requestID),
        ]
        if let detail = response.failureDetail { metadata["error"] = .string(detail) }
        logger.log(level: level(forStatus: code), "request rejected by the server", metadata: metadata)
    }
}

/// Request ids: which client-sent ids are kept, and new ones.
public enum RequestID {
    /// `value` if it is an acceptable id (1 to 128 characters from `!` to `~`), else nil.
    public static func accepted(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count),
            value.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else { return nil }
        return value
    }

    /// 32 lowercase hex digits: unique within the process (a counter through a bijective mix) and across replicas
    /// without coordination (keyed by 128 random bits drawn once per process). Drawing 128 fresh random bits per
    /// request cost two system calls on the request path.
    public static func generate() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        // SplitMix64's first output is a bijection of its seed: distinct counts give distinct ids.
        var highBits = SplitMix64(seed: key.high &+ count), lowBits = SplitMix64(seed: key.low ^ count)
        let high = highBits.next(), low = lowBits.next()
        var digits = [UInt8](repeating: 0, count: 32)
        for index in 0..<16 {
            digits[index] = hexDigits[Int(truncatingIfNeeded: high >> (60 - 4 * UInt64(index))) & 0xF]
            digits[16 + index] = hexDigits[Int(truncatingIfNeeded: low >> (60 - 4 * UInt64(index))) & 0xF]
        }
        return String(decoding: digits, as: UTF8.self)
    }

    private static let key: (high: UInt64, low: UInt64) = {
        var generator = SystemRandomNumberGenerator()
        return (generator.next(), generator.next())
    }()
    private static let counter = Atomic<UInt64>(0)
    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// Server faults at error level; 503 (overload, draining) at warning, as an expected operating condition;
/// everything else, client errors included, at info: 4xx, and the two 5xx a client causes, 501 (a transfer coding the
/// server does not know) and 505 (a protocol version it does not speak), so a client cannot flood the error log.
private func level(forStatus code: Int) -> Logger.Level {
    switch code {
    case 501, 505: return .info
    case 503: return .warning
    case 500...: return .error
    default: return .info
    }
}

/// Milliseconds with microsecond resolution, as a number a log query can compare.
private func milliseconds(_ duration: Duration) -> Double {
    Double(duration.nanoseconds / 1000) / 1000
}
