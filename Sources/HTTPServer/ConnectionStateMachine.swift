/// The timing side of one HTTP/1.1 connection, separate from its I/O so it can be tested with a fake clock
/// (as Hummingbird's `HTTPConnectionStateHandler.StateMachine`). Times are monotonic nanoseconds.
///
/// The connection reports what happened (bytes arrived, head complete, response sent...) and asks
/// `nextTimeout()` which deadline applies now and what to do when it passes.
struct ConnectionStateMachine: Equatable {
    enum Phase: Equatable {
        /// Accepted at this time; nothing received yet. The head timeout runs from here, so a socket that
        /// never sends holds its slot for `requestHead`, not for the longer keep-alive `idle` timeout.
        case fresh(since: UInt64)
        /// Between requests, since this time.
        case idle(since: UInt64)
        /// The first byte of a request arrived at this time; its header section is not complete.
        case readingHead(since: UInt64)
        /// The header section was complete at this time; the body is not.
        case readingBody(since: UInt64)
        /// The request is with a worker; no read timeout applies.
        case processing
        /// An error response was sent and the write side shut down at this time; input is discarded.
        case lingering(since: UInt64)
        /// Another protocol owns the connection and its timing.
        case takenOver
        case closed
    }

    /// What to do when a deadline passes.
    enum Timeout: Equatable {
        /// Idle keep-alive connection, or an accepted one that sent nothing: close silently (RFC 9112 §9.5).
        case idle
        /// Request head or body too slow: answer 408 and close (RFC 9110 §15.5.9).
        case requestTimeout
        /// The client stopped reading our response: close.
        case write
        /// Lingering close is over: close.
        case lingering
    }

    let timeouts: HTTPTimeouts
    private(set) var phase: Phase
    private(set) var writeBlockedSince: UInt64?

    init(timeouts: HTTPTimeouts, now: UInt64) {
        self.timeouts = timeouts
        phase = .fresh(since: now)
    }

    /// True before the first request and between requests.
    var isBetweenRequests: Bool {
        switch phase {
        case .fresh, .idle: true
        default: false
        }
    }

    /// Since when the connection has held nothing of a request: accepted and silent, or idle between
    /// requests; nil while a request is read, handled or answered. When the connection table is full the
    /// connection idle the longest is closed to admit a new one.
    var idleSince: UInt64? {
        switch phase {
        case .fresh(let since), .idle(let since): writeBlockedSince == nil ? since : nil
        default: nil
        }
    }

    /// The deadline in force and what it means, or nil when none applies.
    func nextTimeout() -> (deadline: UInt64, kind: Timeout)? {
        if let since = writeBlockedSince, phase != .closed {
            return (since &+ timeouts.write.nanoseconds, .write)
        }
        switch phase {
        case .fresh(let since): return (since &+ timeouts.requestHead.nanoseconds, .idle)
        case .idle(let since): return (since &+ timeouts.idle.nanoseconds, .idle)
        case .readingHead(let since): return (since &+ timeouts.requestHead.nanoseconds, .requestTimeout)
        case .readingBody(let since): return (since &+ timeouts.requestBody.nanoseconds, .requestTimeout)
        case .lingering(let since): return (since &+ timeouts.lingeringClose.nanoseconds, .lingering)
        case .processing, .takenOver, .closed: return nil
        }
    }

    /// Bytes of a request are buffered: an idle connection starts its head timer; a fresh one keeps the timer
    /// that started at accept.
    mutating func requestBytesBuffered(now: UInt64) {
        switch phase {
        case .idle: phase = .readingHead(since: now)
        case .fresh(let since): phase = .readingHead(since: since)
        default: break
        }
    }

    /// The header section is complete: the body timer starts.
    mutating func headComplete(now: UInt64) {
        if case .readingHead = phase { phase = .readingBody(since: now) }
    }

    /// The request is complete and handed to a worker.
    mutating func requestComplete() {
        switch phase {
        case .fresh, .idle, .readingHead, .readingBody: phase = .processing
        default: break
        }
    }

    /// The response was queued for writing; the connection waits for the next request.
    mutating func responseQueued(now: UInt64) {
        if phase == .processing { phase = .idle(since: now) }
    }

    /// A write could not complete; the client has `timeouts.write` to read.
    mutating func writeBlocked(now: UInt64) {
        if writeBlockedSince == nil { writeBlockedSince = now }
    }

    /// Everything queued has been written.
    mutating func writeDrained() { writeBlockedSince = nil }

    /// The write side was shut down after an error; input is read and discarded until the deadline.
    mutating func startLingering(now: UInt64) {
        if phase != .closed { phase = .lingering(since: now) }
    }

    mutating func takeOver() { phase = .takenOver }

    mutating func close() { phase = .closed }
}
