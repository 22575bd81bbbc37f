#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Renders an error the server itself answers (400, 404, 408, 413, 503...) from its status and a detail sentence.
public typealias HTTPErrorResponder = @Sendable (HTTPStatus, String) -> HTTPResponse

/// Sees each answer the server gives outside the middleware, and may add to it (a request id).
public typealias HTTPRefusalObserver = @Sendable (inout HTTPResponse) -> Void

/// Everything the server can be tuned with. Every default is chosen for a small JSON API behind no proxy.
public struct HTTPServerConfiguration: Sendable {
    /// Address to listen on: an IPv4 or IPv6 literal or a host name. Default `"127.0.0.1"`, so nothing is
    /// exposed by accident; use `"0.0.0.0"` or `"::"` (dual-stack) in a container.
    public var host: String
    /// TCP port. Default 8080; 0 picks a free port, which `HTTPServer.start()` returns.
    public var port: Int
    /// Length of the kernel's queue of accepted-but-unclaimed connections. Default 256, as Hummingbird,
    /// enough for bursts at thousands of connections per second (the kernel caps it at `somaxconn`).
    public var backlog: Int
    /// Threads that run responders. Default: the number of active cores, because handlers are CPU-bound
    /// computations; more threads would only contend for the same cores. One spare thread beyond them only runs
    /// requests of clients with nothing running, so one client holding every worker cannot make others wait.
    public var workerCount: Int
    /// Requests that may wait for a worker when all are busy. Default 1024: a short burst is absorbed, a
    /// sustained overload is answered 503 + Retry-After instead of queueing without bound.
    public var queueDepth: Int
    /// Open connections allowed at once. Default 16384, above the 10,000 idle keep-alive connections the server
    /// is sized for, below common `ulimit -n` settings. When the table is full, the connection idle the longest
    /// (between requests, or silent since accept) is closed to admit the new one; only when every connection
    /// is busy does the new one get a 503 and close.
    public var maxConnections: Int
    /// Seconds sent in `Retry-After` with 503 responses. Default 1: overload is usually brief.
    public var retryAfterSeconds: Int
    /// Size and count limits on requests.
    public var limits: HTTPLimits
    /// Read, write and shutdown timeouts.
    public var timeouts: HTTPTimeouts
    /// Renders the error responses the server generates. Default: RFC 9457 `application/problem+json`
    /// (`Problem.errorResponder`), so the whole service has one error format.
    public var errorResponder: HTTPErrorResponder
    /// Told of every answer the server gives outside the middleware, where no middleware can log it: a malformed
    /// or oversized request, a timeout, a full connection table or byte budget, a handler's invalid response.
    /// Route errors (404, 405) and the refusal of a request that was read whole (503 for a full pool) run through
    /// the middleware like any answer instead, with the client's request id, and are not passed here. Default
    /// none.
    public var refusalObserver: HTTPRefusalObserver?
    /// Protocols that may take over a connection (HTTP/2 by prior knowledge or `Upgrade`). Default none.
    public var protocols: [any ConnectionProtocolFactory]

    /// Creates a configuration; every parameter has the default documented on its property.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        backlog: Int = 256,
        workerCount: Int = HTTPServerConfiguration.activeProcessorCount,
        queueDepth: Int = 1024,
        maxConnections: Int = 16384,
        retryAfterSeconds: Int = 1,
        limits: HTTPLimits = HTTPLimits(),
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        errorResponder: @escaping HTTPErrorResponder = Problem.errorResponder,
        refusalObserver: HTTPRefusalObserver? = nil,
        protocols: [any ConnectionProtocolFactory] = []
    ) {
        self.host = host
        self.port = port
        self.backlog = backlog
        self.workerCount = max(1, workerCount)
        self.queueDepth = max(0, queueDepth)
        self.maxConnections = max(1, maxConnections)
        self.retryAfterSeconds = max(0, retryAfterSeconds)
        self.limits = limits
        self.timeouts = timeouts
        self.refusalObserver = refusalObserver
        self.errorResponder = errorResponder
        self.protocols = protocols
    }

    /// The number of cores this process may run on.
    public static var activeProcessorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Limits on what a client may send. Each one, when exceeded, is answered with its own status code and
/// the connection is closed, because the rest of the stream can no longer be trusted to be framed.
public struct HTTPLimits: Sendable, Hashable {
    /// Longest request target, in bytes, answered 414 beyond. Default 8192, the minimum RFC 9112 §3
    /// recommends supporting; this API's paths and queries are far shorter.
    public var maxRequestTargetLength: Int
    /// Largest header section (request line, fields, trailers), in bytes, answered 431 beyond. Default 16384:
    /// browsers send under 4 KiB; anything larger is more likely an attack than a client.
    public var maxHeaderSectionBytes: Int
    /// Most header fields in one request, answered 431 beyond. Default 100, as NIO and Hummingbird.
    public var maxHeaderCount: Int
    /// Largest request body, in bytes, answered 413 beyond: checked against Content-Length before reading,
    /// and while decoding a chunked body. Default 16 MiB: a batch of the engine's default `maxBatchSize`
    /// (100,000) points of a three-input function, each number written in full (up to 24 characters), takes
    /// about 8 MB, so the largest batch the engine accepts fits with room for indentation; the process-wide
    /// `maxBufferedBodyBytes`, not this, is what bounds memory (docs/OPERATIONS.md, "Limits that fit together").
    public var maxBodyBytes: Int
    /// Request-body bytes the whole process may hold at once, across every connection and both protocols
    /// (HTTP/2 included); a request whose body would pass it is answered 503 with Retry-After and its
    /// connection (HTTP/2: its stream) closed. Reserved as bytes arrive (never from a declared Content-Length or
    /// chunk size, which cost a client nothing to send); released once the response is queued or the connection
    /// or stream goes away. Default 256 MiB: far above what the worker pool can consume at once (a few cores
    /// on their bodies), far below a container's memory, so only a flood of slow or oversized uploads meets it;
    /// without it the bound would be `maxConnections` × `maxBodyBytes` (256 GiB by default).
    public var maxBufferedBodyBytes: Int
    /// Response-body bytes the whole process may hold for clients that have not read them yet, across every
    /// connection and both protocols. A response that would pass it is replaced by a 503 with Retry-After, and
    /// its memory freed at once; bodies of 64 KiB or less are not counted, so probes and errors always get out. Released as clients read. Default 256 MiB: well above what clients that read
    /// keep in flight, so only clients that stop reading meet it; without it 40 such clients asking for 80 MB
    /// answers held 3.4 GB (issue #19).
    public var maxBufferedResponseBytes: Int

    /// Creates limits; every parameter has the default documented on its property.
    public init(
        maxRequestTargetLength: Int = 8192,
        maxHeaderSectionBytes: Int = 16384,
        maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 16 << 20,
        maxBufferedBodyBytes: Int = 256 << 20,
        maxBufferedResponseBytes: Int = 256 << 20
    ) {
        self.maxRequestTargetLength = maxRequestTargetLength
        self.maxHeaderSectionBytes = maxHeaderSectionBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxBufferedBodyBytes = maxBufferedBodyBytes
        self.maxBufferedResponseBytes = maxBufferedResponseBytes
    }
}

/// Timeouts, all measured on the monotonic clock.
public struct HTTPTimeouts: Sendable, Hashable {
    /// Time allowed from the first byte of a request to the end of its header section (for a connection's
    /// first request: from accept, so a socket that sends nothing is closed silently after it); beyond it the
    /// client gets 408 and the connection closes. Default 10 s: defeats slow-header (Slowloris) clients.
    public var requestHead: Duration
    /// Time allowed to receive a request body once its header section is complete; beyond it, 408 and close.
    /// Default 30 s, for a 16 MiB body at 4.5 Mbit/s; a total, not per read, so trickling does not extend it.
    public var requestBody: Duration
    /// How long a keep-alive connection may sit with no request before it is closed (silently, RFC 9112 §9.5).
    /// Default 60 s, longer than typical client pools keep connections, so the client usually closes first.
    public var idle: Duration
    /// Time allowed for the client to read a response that does not fit the socket buffer; beyond it the
    /// connection is closed. Default 30 s: a client that stops reading must not hold memory forever.
    public var write: Duration
    /// After an error response, how long the server keeps reading (and discarding) before it closes, so the
    /// client reads the error instead of a reset (RFC 9112 §9.6). Default 2 s.
    public var lingeringClose: Duration

    /// Creates timeouts; every parameter has the default documented on its property.
    public init(
        requestHead: Duration = .seconds(10),
        requestBody: Duration = .seconds(30),
        idle: Duration = .seconds(60),
        write: Duration = .seconds(30),
        lingeringClose: Duration = .seconds(2)
    ) {
        self.requestHead = requestHead
        self.requestBody = requestBody
        self.idle = idle
        self.write = write
        self.lingeringClose = lingeringClose
    }
}
