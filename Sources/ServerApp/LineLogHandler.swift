#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Synchronization

/// A swift-log handler that writes each event as exactly one line, logfmt or JSON, to standard output (or any
/// sink), so that container log collectors get one record per line and can parse the fields.
///
/// logfmt: `ts=2026-11-27T09:33:11.123Z level=info logger=jacobian-server msg=request method=GET path=/healthz ...`
/// JSON:   `{"ts":"2026-11-27T09:33:11.123Z","level":"info","logger":"jacobian-server","msg":"request",...}`
///
/// The timestamp, level, logger label and message come first, then the metadata sorted by key, so that lines are
/// stable to read and to test. Newlines inside values are escaped, never written.
public struct LineLogHandler: LogHandler {
    /// Least severe level written.
    public var logLevel: Logger.Level
    /// Metadata attached to every event of this handler.
    public var metadata: Logger.Metadata = [:]
    /// Contributes metadata from the task or thread context, when set.
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let format: LogFormat
    private let sink: LogSink

    /// A handler for `label` writing `format` lines at `level` and above into `sink`.
    public init(label: String, level: Logger.Level, format: LogFormat, sink: LogSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = sink
    }

    /// Metadata of this handler by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes the event as one line.
    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        if let error = event.error { fields["error"] = .string(String(describing: error)) }
        sink.write(line(level: event.level, message: event.message.description, fields: fields))
    }

    /// The line for one event, without the final newline.
    func line(level: Logger.Level, message: String, fields: Logger.Metadata, timestamp: String = utcTimestamp())
        -> String
    {
        let head: [(String, LogValue)] = [
            ("ts", .text(timestamp)), ("level", .text(level.rawValue)), ("logger", .text(label)),
            ("msg", .text(message)),
        ]
        let rest = fields.sorted { $0.key < $1.key }.map { ($0.key, LogValue($0.value)) }
        switch format {
        case .logfmt:
            return (head + rest).map { "\(LogValue.logfmtKey($0.0))=\($0.1.logfmt)" }.joined(separator: " ")
        case .json:
            return "{" + (head + rest).map { "\(LogValue.jsonString($0.0)):\($0.1.json)" }.joined(separator: ",")
                + "}"
        }
    }
}

/// Where log lines go. Writes are serialised so that lines from different threads never interleave.
public final class LogSink: Sendable {
    private let writeLine: @Sendable (String) -> Void
    private let lock = Mutex(())

    /// A sink that hands each complete line (without newline) to `writeLine`, one call at a time.
    public init(_ writeLine: @escaping @Sendable (String) -> Void) {
        self.writeLine = writeLine
    }

    /// Standard output, one `write(2)` per line, the way container runtimes collect logs.
    public static let standardOutput = LogSink { line in
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(1, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // stdout closed or full: dropping a log line is better than stopping the service
                }
            }
        }
    }

    func write(_ line: String) {
        lock.withLock { _ in writeLine(line) }
    }
}

/// `write(2)`, named apart from `LogSink.write(_:)`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// The current time as `2026-11-27T09:33:11.123Z` (UTC, milliseconds), without Foundation's formatters.
func utcTimestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
        + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
        + ".\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
}
