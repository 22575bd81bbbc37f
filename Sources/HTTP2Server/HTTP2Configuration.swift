/// How an HTTP/2 connection is limited. The request body limit per stream is not here: it is the server's
/// `HTTPLimits.maxBodyBytes`, so both protocols accept the same requests; likewise the request target and
/// header count limits come from `HTTPLimits`.
public struct HTTP2Configuration: Sendable, Hashable {
    /// How the incoming RST_STREAM rate is limited (a token bucket, nghttp2's rapid-reset protection,
    /// CVE-2023-44487). Past it the connection is torn down with GOAWAY.
    public struct StreamResetRate: Sendable, Hashable {
        /// Resets accepted in a burst (the bucket's size).
        public var burst: UInt64
        /// Resets regained per second.
        public var perSecond: UInt64

        /// Creates a rate; the defaults are nghttp2's own (1000 and 33).
        public init(burst: UInt64 = 1000, perSecond: UInt64 = 33) {
            self.burst = burst
            self.perSecond = perSecond
        }
    }

    /// Creates a configuration; every parameter has the default documented on its property.
    public init(
        maxConcurrentStreams: Int = 100,
        maxHeaderListSize: Int = 16384,
        initialWindowSize: Int = 65535,
        streamResetRate: StreamResetRate = StreamResetRate(),
        idleTimeout: Duration = .seconds(60),
        maxBufferedRequestBytes: Int = 32 << 20,
        abandonedWorkRate: StreamResetRate = StreamResetRate(burst: 100, perSecond: 10),
        maxQueuedWork: Int? = nil
    ) {
        self.maxConcurrentStreams = min(max(1, maxConcurrentStreams), Int(Int32.max))
        self.maxHeaderListSize = min(max(1024, maxHeaderListSize), Int(Int32.max))
        // RFC 9113 §6.5.2: the window is at most 2^31 - 1.
        self.initialWindowSize = min(max(0, initialWindowSize), Int(Int32.max))
        self.streamResetRate = streamResetRate
        self.idleTimeout = idleTimeout
        self.maxBufferedRequestBytes = max(0, maxBufferedRequestBytes)
        self.abandonedWorkRate = abandonedWorkRate
        self.maxQueuedWork = max(1, maxQueuedWork ?? self.maxConcurrentStreams)
    }

    /// SETTINGS_MAX_CONCURRENT_STREAMS: requests one connection may have open at once; further streams are
    /// refused (RST_STREAM REFUSED_STREAM) by nghttp2. Default 100, the minimum RFC 9113 §6.5.2 recommends,
    /// and what most servers advertise; handlers are CPU-bound, so more would only queue on the workers.
    public var maxConcurrentStreams: Int
    /// SETTINGS_MAX_HEADER_LIST_SIZE: the largest header list of one request (names, values and 32 bytes
    /// per field, RFC 9113 §6.5.2), answered 431 beyond. Default 16384, the HTTP/1.1 side's header
    /// section limit, so both protocols accept the same headers.
    public var maxHeaderListSize: Int
    /// SETTINGS_INITIAL_WINDOW_SIZE, and the connection's receive window: bytes a client may send on a
    /// stream before it waits for WINDOW_UPDATE. Default 65535, the protocol's own default: enough for
    /// this API's JSON bodies in one round trip; raise it for large uploads over long links.
    public var initialWindowSize: Int
    /// Rapid-reset protection. Default nghttp2's (burst 1000, 33 per second).
    public var streamResetRate: StreamResetRate
    /// Rapid-reset protection extended to work: streams reset (or abandoned) while their request was queued
    /// or running on a worker. Each one costs the server work it did for nobody, so past this rate the
    /// connection gets GOAWAY (ENHANCE_YOUR_CALM) and is closed. Default burst 100, 10 per second: a client
    /// cancelling a page's worth of requests is fine, one that opens and resets streams to get work queued
    /// without the concurrent-stream limit is stopped after 100.
    public var abandonedWorkRate: StreamResetRate
    /// Requests of one connection that may be queued or running on the workers at once, counting those whose
    /// stream was reset but whose work has not yet stopped; beyond it a new request is answered 503 +
    /// Retry-After. Default `maxConcurrentStreams` (100): a client using every stream it may open is never
    /// refused, while resetting streams (which frees their slots at once) cannot queue work without limit.
    public var maxQueuedWork: Int
    /// How long a connection may have no open stream before it is closed with GOAWAY. Default 60 s, as
    /// the HTTP/1.1 idle timeout, so an idle client holds a connection no longer over either protocol.
    public var idleTimeout: Duration
    /// Request body bytes one connection may hold at once across its streams, not yet handed to a
    /// responder. A stream whose DATA would pass it is answered 503. Default 32 MiB: two bodies at the
    /// default `HTTPLimits.maxBodyBytes`; without it one connection could hold `maxConcurrentStreams` ×
    /// `maxBodyBytes` (1.6 GiB) where an HTTP/1.1 connection holds one body. Every connection, of either
    /// protocol, also draws on the server-wide `HTTPLimits.maxBufferedBodyBytes`, which bounds the process.
    public var maxBufferedRequestBytes: Int
}
