/// The lifecycle of one HTTP/1.1 connection, separate from its I/O so it can be tested without a socket and with a
/// fake clock (as Hummingbird's `HTTPConnectionStateHandler.StateMachine`). Times are monotonic nanoseconds.
///
/// The connection reports what happened (bytes arrived, head complete, response queued, output drained, the peer
/// closed, shutdown began...) with the I/O facts the decision needs (bytes buffered in and out), and does what the
/// returned `Action` says (the extension below); it asks `nextTimeout()` which deadline
/// applies now. Keep-alive, pipelining limits, lingering close, shutdown and takeover are decided here and only here.
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

    /// How a connection closes: at once, or after half-closing and reading (discarding) for `lingeringClose`, so
    /// that the client reads the last response instead of a reset caused by its unread input (RFC 9112 §9.6).
    enum CloseMode: Equatable { case immediate, lingering }

    let timeouts: HTTPTimeouts
    private(set) var phase: Phase
    private(set) var writeBlockedSince: UInt64?
    /// The client closed its side (EOF): nothing more will be read.
    private(set) var peerClosed = false
    /// The server is stopping: no request after the current one.
    private(set) var shuttingDown = false
    /// How the connection closes once its queued output is written, if it is to close.
    private(set) var closeAfterFlush: CloseMode?

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

    mutating func close() { phase = .closed }
}

/// The lifecycle events of a connection and the action each one calls for. The connection passes the I/O facts a
/// decision needs (`input`: request bytes buffered and not yet parsed; `output`: response bytes queued and not yet
/// written) and performs the action; nothing here touches a socket.
extension ConnectionStateMachine {
    /// What the connection does next.
    enum Action: Equatable {
        case none
        /// Parse and answer the buffered requests, resuming reading first when it may go on.
        case processInput(resumeReading: Bool)
        case resumeReading
        case suspendReading
        /// Write what is queued: a close waits for it (`outputDrained`).
        case flush
        /// Close the socket now.
        case closeNow
        /// Shut the write side down and read and discard until the lingering deadline (RFC 9112 §9.6).
        case linger
        /// Answer the server's own refusal; the connection closes after it.
        case refuse(Refusal)
        /// Ask the protocol that took the connection over to finish its streams and close.
        case shutDownTakeover
    }

    /// Past this many bytes buffered in or out the connection stops reading until it catches up, so a client that
    /// pipelines without reading cannot make the server buffer without bound.
    static let highWaterMark = 256 * 1024

    var isClosed: Bool { phase == .closed }
    var isTakenOver: Bool { phase == .takenOver }
    /// Input is read and thrown away: the last response went, the write side is shut.
    var discardsInput: Bool {
        if case .lingering = phase { return true }
        return false
    }

    // MARK: Requests

    /// Whether the next buffered request may be parsed now: not while a worker has one (responses keep their
    /// order), not once the connection is closing or taken over, and not while `output` is past the high-water
    /// mark (an inline route is answered at once, so a client pipelining without reading would otherwise have
    /// every answer queued).
    func mayParse(output: Int) -> Bool {
        guard closeAfterFlush == nil, output < Self.highWaterMark else { return false }
        switch phase {
        case .processing, .lingering, .takenOver, .closed: return false
        case .fresh, .idle, .readingHead, .readingBody: return true
        }
    }

    /// After parsing stopped: stop reading while the output is past the high-water mark, or while a worker has the
    /// request and a pipeliner has buffered more than it; reading resumes in `nextAfterResponse`.
    func afterParsing(input: Int, output: Int) -> Action {
        output >= Self.highWaterMark || (phase == .processing && input > Self.highWaterMark) ? .suspendReading : .none
    }

    /// The parser needs more bytes. A client that closed its side has sent all it will: close once the answers
    /// are written.
    mutating func inputExhausted(output: Int) -> Action {
        guard peerClosed else { return .none }
        if output == 0 { return .closeNow }
        closeAfterFlush = .immediate
        return .none
    }

    /// The server answers the current request itself (a parse error, a timeout, a refused body): the response is
    /// the last, and the connection lingers after it.
    mutating func refusing() {
        closeAfterFlush = .lingering
        requestComplete()
    }

    // MARK: Responses

    /// Whether the connection stays open after a response (keep-alive, RFC 9112 §9.3): the request asked for it,
    /// the response did not say `Connection: close`, and neither side nor a shutdown is closing the connection.
    func persists(requestKeepAlive: Bool, responseCloses: Bool) -> Bool {
        requestKeepAlive && !responseCloses && closeAfterFlush == nil && !shuttingDown && !peerClosed
    }

    /// A response was queued; `persistent` as `persists` said. The connection waits for the next request (its
    /// head timer running if bytes of it are buffered already), or closes lingering once the response is written.
    mutating func responseQueued(persistent: Bool, input: Int, now: UInt64) {
        responseQueued(now: now)
        if input > 0 { requestBytesBuffered(now: now) }
        if !persistent { closeAfterFlush = closeAfterFlush ?? .lingering }
    }

    /// After a response was queued or the output drained: go on with the next request unless the connection is
    /// closing or its output is still past the high-water mark; a taken-over connection only resumes reading.
    func nextAfterResponse(output: Int) -> Action {
        guard closeAfterFlush == nil, output < Self.highWaterMark else { return .none }
        switch phase {
        case .closed, .lingering: return .none
        case .takenOver: return peerClosed ? .none : .resumeReading
        default: return .processInput(resumeReading: !peerClosed)
        }
    }

    /// Bytes from the protocol that took the connection over were queued: stop reading while they are past the
    /// high-water mark (a client that sends without reading), read again once they are not.
    func afterTakeoverOutput(output: Int) -> Action {
        guard phase == .takenOver else { return .none }
        if output > Self.highWaterMark { return .suspendReading }
        return !peerClosed && closeAfterFlush == nil ? .resumeReading : .none
    }

    /// Everything queued has been written: a close that waited for it is due.
    mutating func outputDrained(now: UInt64) -> Action {
        writeDrained()
        guard let mode = closeAfterFlush else { return .none }
        if mode == .immediate || peerClosed { return .closeNow }
        closeAfterFlush = nil
        startLingering(now: now)
        return .linger
    }

    // MARK: Closing

    /// The client closed its side (EOF). `abandonedQueuedWork`: the request in flight was still waiting for a
    /// worker, which drops it, so nothing will be answered. A request with a worker, or answers not yet written,
    /// are still sent (the client may have only half-closed); then the connection closes.
    mutating func peerDidClose(abandonedQueuedWork: Bool, output: Int) -> Action {
        peerClosed = true
        if phase == .takenOver || abandonedQueuedWork { return .closeNow }
        return phase == .processing || output > 0 ? .suspendReading : .closeNow
    }

    /// A close was asked for: `.immediate` now; `.lingering` once the queued output is written.
    mutating func closeRequested(_ mode: CloseMode, output: Int) -> Action {
        guard phase != .closed else { return .none }
        guard mode == .lingering else { return .closeNow }
        closeAfterFlush = .lingering
        return output == 0 ? .flush : .none
    }

    /// The server stops taking requests: an idle connection closes now (after its queued output), a busy one after
    /// its current response (`persists` says no), a taken-over one as its protocol decides.
    mutating func shutdownRequested(input: Int, output: Int) -> Action {
        guard phase != .closed, !shuttingDown else { return .none }
        shuttingDown = true
        if phase == .takenOver { return .shutDownTakeover }
        guard isBetweenRequests, input == 0 else { return .none }
        if output == 0 { return .closeNow }
        closeAfterFlush = closeAfterFlush ?? .lingering
        return .none
    }

    /// Another protocol takes the connection over (HTTP/2 by preface or upgrade); a shutdown already under way is
    /// passed on to it.
    mutating func takeOver() -> Action {
        phase = .takenOver
        return shuttingDown ? .shutDownTakeover : .none
    }

    /// A deadline may have passed at `now`: close silently (idle, write, lingering), or answer 408 (request).
    func deadlinePassed(now: UInt64) -> Action {
        guard phase != .closed, let (due, kind) = nextTimeout(), due <= now else { return .none }
        switch kind {
        case .idle, .write, .lingering: return .closeNow
        case .requestTimeout: return .refuse(.requestTimeout)
        }
    }

    /// Since when the connection could be closed to admit a new one (idle or silent, holding nothing), or nil.
    func evictableSince(input: Int, output: Int) -> UInt64? {
        phase == .takenOver || input > 0 || output > 0 ? nil : idleSince
    }
}
