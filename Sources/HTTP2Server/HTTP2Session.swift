import CNGHTTP2
import Dispatch
import HTTPServer
import Logging

/// One HTTP/2 connection: an nghttp2 server session fed with the socket's bytes, whose output is written
/// back through the connection. nghttp2 owns framing, HPACK, flow control and stream states; this class
/// owns the bridge to the responder (see `HTTP2Session+Requests.swift`) and the connection's lifetime.
///
/// Thread safety: nghttp2 sessions are not thread-safe, so every method runs on the connection's event loop (the
/// server calls the handler methods there; worker results are posted there with `io.execute`). That confinement is why the class can be `@unchecked Sendable`.
///
/// Memory: nghttp2 gets `self` unretained as `user_data`. Its callbacks only run inside calls this
/// object makes on its own session, so `self` is alive whenever they do, and no retain needs balancing.
/// The session is deleted exactly once, in `deinit`, when neither the connection nor a worker result still
/// holds this object.
final class HTTP2Session: ConnectionProtocolHandler, @unchecked Sendable {
    let io: ConnectionIO
    let configuration: HTTP2Configuration
    let limits: HTTPLimits
    let logger: Logger
    /// The `nghttp2_session *`; nil only during `init`.
    private(set) var session: OpaquePointer?
    /// Streams nghttp2 has not closed yet, by id.
    var streams: [Int32: HTTP2Stream] = [:]
    /// The server asked for a graceful shutdown: the final GOAWAY follows once no stream is open.
    private(set) var shuttingDown = false
    var finalGoAwaySubmitted = false
    /// The connection is closed or closing; nothing more is read or sent.
    private(set) var closed = false
    /// Bumped whenever the idle timer is armed or disarmed, so a stale timer does nothing when it fires.
    var idleGeneration = 0
    var idleTimerArmed = false
    /// When the next check of stream deadlines is scheduled, if one is; an earlier deadline schedules an
    /// earlier check (the later one then finds nothing to do).
    var nextStreamCheck: UInt64?
    /// Requests of this connection with the worker pool (queued or running), reset streams' included until
    /// their job is dropped or done; at most `configuration.maxQueuedWork`.
    var queuedWork = 0
    /// The answer past `maxQueuedWork`, written once rather than per request.
    let queueFull: Refusal
    /// The abandoned-work token bucket (`configuration.abandonedWorkRate`): tokens left, and when last refilled.
    var abandonTokens: Double
    var abandonRefilledAt = DispatchTime.now().uptimeNanoseconds
    /// Set inside a callback when the bucket ran out; acted on once nghttp2 has returned.
    var tooMuchAbandonedWork = false

    private let counter: SessionCounter

    init(io: ConnectionIO, configuration: HTTP2Configuration, logger: Logger, counter: SessionCounter) {
        self.io = io
        self.counter = counter
        self.configuration = configuration
        self.limits = io.configuration.limits
        self.logger = logger
        abandonTokens = Double(configuration.abandonedWorkRate.burst)
        queueFull = Refusal(.serviceUnavailable, "The connection has too many requests being computed (maxQueuedWork = "
            + "\(configuration.maxQueuedWork)); retry later.", retry: true)

        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0 else { fatalError("nghttp2: out of memory") }
        defer { nghttp2_session_callbacks_del(callbacks) }
        Self.installCallbacks(callbacks)

        var options: OpaquePointer?
        guard nghttp2_option_new(&options) == 0 else { fatalError("nghttp2: out of memory") }
        defer { nghttp2_option_del(options) }
        nghttp2_option_set_stream_reset_rate_limit(options, configuration.streamResetRate.burst,
                                                   configuration.streamResetRate.perSecond)

        guard nghttp2_session_server_new2(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(),
                                          options) == 0
        else { fatalError("nghttp2: out of memory") }
        submitInitialSettings()
        counter.count.add(1, ordering: .relaxed)
    }

    deinit {
        // nghttp2 frees the streams still open without calling back, and only now is no worker holding a
        // request of this connection: their bodies' reservations are given back here.
        for var stream in streams.values {
            stream.releaseBody(to: io.dispatcher)
            io.dispatcher.releaseResponse(stream.reservedResponseBytes)
            io.recordCancellation(stream.cancellation?.cancel())
        }
        nghttp2_session_del(session)
        counter.count.subtract(1, ordering: .relaxed)
    }

    /// The object behind nghttp2's `user_data`.
    static func from(_ userData: UnsafeMutableRawPointer?) -> HTTP2Session {
        Unmanaged<HTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
    }

    /// The server connection preface (RFC 9113 §3.4) carries our limits; nghttp2 enforces the ones it
    /// advertises (concurrent streams, windows), the rest are checked per stream.
    private func submitInitialSettings() {
        let settings = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                                   value: UInt32(configuration.maxConcurrentStreams)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                                   value: UInt32(configuration.maxHeaderListSize)),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                                   value: UInt32(configuration.initialWindowSize)),
        ]
        _ = settings.withUnsafeBufferPointer {
            nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), $0.baseAddress, $0.count)
        }
        if configuration.initialWindowSize > 65535 {
            // The connection window is not a setting; without this it would stay 65535 for all streams.
            nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0,
                                                  Int32(configuration.initialWindowSize))
        }
    }

    // MARK: ConnectionProtocolHandler

    func receive(_ bytes: UnsafeRawBufferPointer) {
        guard !closed, let base = bytes.baseAddress else { return }
        let consumed = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if consumed < 0 {
            // A fatal error (bad client magic, a flood of frames needing acks...): say so and close.
            logger.debug("HTTP/2 connection error", metadata: ["error": "\(Self.describe(consumed))"])
            nghttp2_session_terminate_session(session, NGHTTP2_PROTOCOL_ERROR.rawValue)
            sendPending()
            closeConnection()
            return
        }
        if tooMuchAbandonedWork {
            logger.debug("HTTP/2 connection closed: too many streams reset while their work was queued or running")
            nghttp2_session_terminate_session(session, NGHTTP2_ENHANCE_YOUR_CALM.rawValue)
            sendPending()
            closeConnection()
            return
        }
        sendPending()
    }

    func peerClosed() {
        closed = true
        idleTimerArmed = false
        cancelAllWork()
    }

    /// The connection is going: no stream's answer will be read.
    private func cancelAllWork() {
        for id in streams.keys {
            io.recordCancellation(streams[id]!.cancellation?.cancel())
            streams[id]!.cancellation = nil
        }
    }

    /// One more stream was reset while its work was queued or running: takes a token from the bucket, and
    /// marks the connection for GOAWAY when none is left.
    func abandonedWork(at now: UInt64) {
        let rate = configuration.abandonedWorkRate
        let elapsed = Double(now &- abandonRefilledAt) / 1e9
        abandonRefilledAt = now
        abandonTokens = min(Double(rate.burst), abandonTokens + elapsed * Double(rate.perSecond))
        if abandonTokens >= 1 {
            abandonTokens -= 1
        } else {
            tooMuchAbandonedWork = true
        }
    }

    func beginGracefulShutdown() {
        guard !closed, !shuttingDown else { return }
        shuttingDown = true
        // GOAWAY with the largest stream id: clients stop opening streams, the ones in flight go on.
        nghttp2_submit_shutdown_notice(session)
        sendPending()
    }

    // MARK: Output and lifetime

    /// Writes whatever nghttp2 has to send, then decides whether the connection is done.
    func sendPending() {
        guard !closed else { return }
        var output: [UInt8] = []
        while true {
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &chunk)
            if count < 0 {
                logger.debug("HTTP/2 send failed", metadata: ["error": "\(Self.describe(count))"])
                if !output.isEmpty { io.write(output) }
                return closeConnection()
            }
            guard count > 0, let chunk else { break }
            output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: count))
        }
        if !output.isEmpty { io.write(output) }
        afterOutput()
    }

    private func afterOutput() {
        if shuttingDown && streams.isEmpty && !finalGoAwaySubmitted {
            // Every stream is done: GOAWAY with the last stream processed, then close once it is written.
            finalGoAwaySubmitted = true
            nghttp2_session_terminate_session(session, NGHTTP2_NO_ERROR.rawValue)
            return sendPending()
        }
        if nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0 {
            return closeConnection()
        }
        updateIdleTimer()
        scheduleRequestCheck()
    }

    /// Closes once the queued bytes are written (the server lingers briefly so the client reads them).
    func closeConnection() {
        guard !closed else { return }
        closed = true
        idleTimerArmed = false
        cancelAllWork()
        io.close()
    }

    static func describe(_ code: Int) -> String {
        String(cString: nghttp2_strerror(Int32(clamping: code)))
    }
}
