import Logging
import Synchronization

@testable import ServerApp

/// A logger whose lines are kept in memory, for tests that read them.
final class CapturedLog: Sendable {
    private let storage = Mutex<[String]>([])

    /// Every line written so far.
    var lines: [String] { storage.withLock { $0 } }

    /// A logger writing `format` lines at `level` and above into this capture.
    func logger(level: Logger.Level = .trace, format: LogFormat = .logfmt) -> Logger {
        let sink = LogSink { [self] line in storage.withLock { $0.append(line) } }
        return Logger(label: "test") { label in LineLogHandler(label: label, level: level, format: format, sink: sink) }
    }
}
