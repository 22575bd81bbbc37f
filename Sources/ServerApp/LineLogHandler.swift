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
        // The event's own metadata wins over the provider's, which wins over the handler's. The access log's
        // events carry all of theirs themselves, so the merges are skipped when there is nothing to merge.
        var fields = event.metadata ?? [:]
        if !metadata.isEmpty || metadataProvider != nil {
            var merged = metadata
            if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
            merged.merge(fields) { _, new in new }
            fields = merged
        }
        if let error = event.error { fields["error"] = .string(String(describing: error)) }
        write(level: event.level, message: event.message.description, sortedFields: Self.sorted(fields))
    }

    /// Whether `write(level:message:sortedFields:)` writes the same line `log(event:)` would: the handler adds
    /// no metadata of its own.
    var writesFieldsAsGiven: Bool { metadata.isEmpty && metadataProvider == nil }

    /// Writes one line whose fields are already ordered by key and converted: the access log's path, which runs
    /// once per request and so skips building, sorting and converting a `Logger.Metadata` (with them, the access
    /// log took 17% of a small POST's CPU; 11% without). The caller checks `logLevel`.
    func write(level: Logger.Level, message: String, sortedFields: [(String, LogValue)]) {
        let dropped = sink.write(lineBytes(level: level, message: message, sortedFields: sortedFields))
        if dropped > 0 {
            sink.write(lineBytes(
                level: .warning, message: "log lines dropped: the log reader fell behind",
                sortedFields: [("dropped", .number(String(dropped)))]))
        }
    }

    /// The line for one event, without the final newline.
    func line(level: Logger.Level, message: String, fields: Logger.Metadata, timestamp: String = utcTimestamp())
        -> String
    {
        let bytes = lineBytes(level: level, message: message, sortedFields: Self.sorted(fields), timestamp: timestamp)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Metadata as a line's fields: ordered by key, so that lines are stable to read and to test.
    private static func sorted(_ fields: Logger.Metadata) -> [(String, LogValue)] {
        fields.sorted(by: { $0.key < $1.key }).map { ($0.key, LogValue($0.value)) }
    }

    /// The line as bytes, built in one buffer: this runs once per request (the access log), so it avoids the
    /// intermediate strings, arrays and joins a `map`/`joined` formulation would allocate.
    private func lineBytes(
        level: Logger.Level, message: String, sortedFields: [(String, LogValue)], timestamp: String = utcTimestamp()
    ) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(256)
        let opening: UInt8 = format == .json ? UInt8(ascii: "{") : 0
        if opening != 0 { line.append(opening) }
        var first = true
        func field(_ key: String, _ value: LogValue) {
            switch format {
            case .logfmt:
                if !first { line.append(UInt8(ascii: " ")) }
                LogValue.appendLogfmtKey(key, to: &line)
                line.append(UInt8(ascii: "="))
                value.appendLogfmt(to: &line)
            case .json:
                if !first { line.append(UInt8(ascii: ",")) }
                LogValue.appendJSONString(key, to: &line)
                line.append(UInt8(ascii: ":"))
                value.appendJSON(to: &line)
            }
            first = false
        }
        field("ts", .text(timestamp))
        field("level", .text(level.rawValue))
        field("logger", .text(label))
        field("msg", .text(message))
        for (key, value) in sortedFields { field(key, value) }
        if format == .json { line.append(UInt8(ascii: "}")) }
        return line
    }
}

/// Where log lines go. Lines from different threads never interleave.
public final class LogSink: Sendable {
    private enum Destination: Sendable {
        /// Each line handed to a closure, one call at a time.
        case lines(@Sendable (String) -> Void)
        /// Lines gathered and written to a file descriptor in batches.
        case stream(BufferedLineWriter)
    }

    private let destination: Destination
    /// Serialises calls to a `.lines` closure.
    private let lock = Mutex(())

    /// A sink that hands each complete line (without newline) to `writeLine`, one call at a time.
    public init(_ writeLine: @escaping @Sendable (String) -> Void) {
        destination = .lines(writeLine)
    }

    private init(stream: BufferedLineWriter) {
        destination = .stream(stream)
    }

    /// Standard output, the way container runtimes collect logs: whole lines, gathered for at most about a
    /// millisecond and written together (see `BufferedLineWriter`), flushed at exit.
    public static let standardOutput = LogSink(stream: BufferedLineWriter(descriptor: 1))

    /// Writes one line (given without its newline); returns how many earlier lines were dropped unwritten and
    /// not yet reported (see `BufferedLineWriter`).
    @discardableResult
    func write(_ line: [UInt8]) -> Int {
        switch destination {
        case .lines(let writeLine):
            lock.withLock { _ in writeLine(String(decoding: line, as: UTF8.self)) }
            return 0
        case .stream(let writer):
            return writer.append(line: line)
        }
    }

    /// Writes out every line accepted so far (a no-op for closure sinks, which are never behind).
    public func flush() {
        if case .stream(let writer) = destination { writer.flush() }
    }
}

/// The current time as `2026-11-27T09:33:11.123Z` (UTC, milliseconds), without Foundation's formatters.
func utcTimestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var seconds = now.tv_sec
    var parts = tm()
    gmtime_r(&seconds, &parts)
    var text: [UInt8] = []
    text.reserveCapacity(24)
    func digits(_ value: Int, _ width: Int, then separator: Character?) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
        if let separator { text.append(separator.asciiValue!) }
    }
    digits(Int(parts.tm_year) + 1900, 4, then: "-")
    digits(Int(parts.tm_mon) + 1, 2, then: "-")
    digits(Int(parts.tm_mday), 2, then: "T")
    digits(Int(parts.tm_hour), 2, then: ":")
    digits(Int(parts.tm_min), 2, then: ":")
    digits(Int(parts.tm_sec), 2, then: ".")
    digits(Int(now.tv_nsec / 1_000_000), 3, then: "Z")
    return String(decoding: text, as: UTF8.self)
}
