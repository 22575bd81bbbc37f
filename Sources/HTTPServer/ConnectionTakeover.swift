import Dispatch

/// A protocol that can take a connection over from HTTP/1.1, such as HTTP/2 (h2c).
///
/// A factory is chosen in one of two ways. By preface: when a new connection's first bytes equal
/// `preface` (the server waits until enough bytes arrived to decide), the handler receives every byte
/// from the first. By upgrade: when an HTTP/1.1 request carries `Upgrade: <upgradeToken>` and
/// `Connection: Upgrade`, the factory is asked with that request; a handler means the server answers
/// `101 Switching Protocols` and passes it every byte after the request, nil means the request is
/// answered normally over HTTP/1.1 (e.g. when `HTTP2-Settings` is missing).
public protocol ConnectionProtocolFactory: Sendable {
    /// The bytes that open a connection of this protocol (HTTP/2: `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`), or nil.
    var preface: [UInt8]? { get }
    /// The `Upgrade` token that selects this protocol (`h2c`), or nil.
    var upgradeToken: String? { get }
    /// A handler for the connection, or nil to leave it on HTTP/1.1. `upgradeRequest` is the request that
    /// asked to upgrade, nil when the preface matched. Called on the connection's event loop.
    func makeHandler(connection: ConnectionIO, upgradeRequest: HTTPRequest?) -> (any ConnectionProtocolHandler)?
}

/// Drives a connection taken over from HTTP/1.1. Every method is called on the connection's event loop.
public protocol ConnectionProtocolHandler: AnyObject {
    /// Bytes received from the client.
    func receive(_ bytes: UnsafeRawBufferPointer)
    /// The client closed its side; the server closes the connection after this returns.
    func peerClosed()
    /// The server is stopping: finish the streams in flight, refuse new ones, then `close()` the connection
    /// (HTTP/2: GOAWAY). The server waits for the close up to its shutdown deadline.
    func beginGracefulShutdown()
}

/// What a taken-over connection's handler may do with it.
public final class ConnectionIO: Sendable {
    private let connection: Connection

    init(connection: Connection) { self.connection = connection }

    /// Runs `task` on the connection's event loop, the thread on which `receive`, `peerClosed` and
    /// `beginGracefulShutdown` run, after what was posted before it.
    public func execute(_ task: @escaping @Sendable () -> Void) { connection.loop.execute(task) }
    /// Runs `task` on the connection's event loop at `deadline` or soon after.
    public func execute(after deadline: DispatchTime, _ task: @escaping @Sendable () -> Void) {
        connection.loop.execute(after: deadline, task)
    }
    /// The server's configuration (limits, timeouts, error format).
    public var configuration: HTTPServerConfiguration { connection.context.configuration }
    /// The request policy shared with HTTP/1.1 connections: routing, inline or pooled execution, refusals, and
    /// the process-wide body and response budgets.
    public var dispatcher: RequestDispatcher { connection.context.dispatcher }
    /// The client's address, whose jobs these are for the worker pool's fair scheduling.
    public var client: String { connection.client }
    /// The current `Date` header value (IMF-fixdate), from the cache HTTP/1.1 responses use.
    public var date: String { String(decoding: connection.context.encoder.dateCache.current(), as: UTF8.self) }

    /// Queues bytes for the client, without blocking; may be called from any thread, in order.
    public func write(_ bytes: [UInt8]) {
        let connection = connection
        connection.loop.execute { connection.writeFromHandler(bytes) }
    }

    /// Closes the connection once the queued bytes are written.
    public func close() {
        let connection = connection
        connection.loop.execute { connection.close(.lingering) }
    }

    /// Counts a request cancelled because its client went away, at the stage `CancellationToken.cancel()`
    /// reported (`http_requests_cancelled_total`).
    public func recordCancellation(_ stage: CancellationToken.Stage?) {
        connection.context.metrics.recordCancellation(stage)
    }
}

extension Connection {
    /// Looks at the first bytes for a factory's preface. Returns true when the connection stays on
    /// HTTP/1.1 and parsing may go on; false while undecided or after a takeover.
    func checkPrefaces() -> Bool {
        let buffered = parser.bufferedBytes
        var undecided = false
        for factory in context.configuration.protocols {
            guard let preface = factory.preface, !preface.isEmpty else { continue }
            let common = min(buffered.count, preface.count)
            guard buffered.prefix(common).elementsEqual(preface.prefix(common)) else { continue }
            if common < preface.count {
                undecided = true
            } else if let handler = factory.makeHandler(connection: io, upgradeRequest: nil) {
                takeOver(with: handler)
                return false
            }
        }
        if undecided { return false }
        detectingPreface = false
        return true
    }

    /// Switches protocols when `request` asks for an `Upgrade` a factory accepts; true if it did.
    func upgradeIfRequested(_ request: HTTPRequest) -> Bool {
        guard !context.configuration.protocols.isEmpty, request.version == .http1_1,
              request.headers.contains(token: "upgrade", in: "Connection")
        else { return false }
        let offered = request.headers.listMembers(for: "Upgrade")
        for factory in context.configuration.protocols {
            guard let token = factory.upgradeToken, offered.contains(where: { $0.equalsIgnoringASCIICase(token) }),
                  let handler = factory.makeHandler(connection: io, upgradeRequest: request)
            else { continue }
            enqueue(Array("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: \(token)\r\n\r\n".utf8))
            flush()
            takeOver(with: handler)
            return true
        }
        return false
    }

    private func takeOver(with handler: any ConnectionProtocolHandler) {
        // The upgrade request's body now belongs to the new protocol's first stream, which runs it at once;
        // from here on that protocol reserves what it buffers.
        releaseBody()
        takeover = handler
        let action = state.takeOver()
        updateDeadline()
        let rest = parser.takeBufferedBytes()
        perform(action)
        if !rest.isEmpty { rest.withUnsafeBytes { handler.receive($0) } }
    }

    /// Bytes from a takeover handler.
    func writeFromHandler(_ bytes: [UInt8]) {
        enqueue(bytes)
        flush()
        // A client that sends requests without reading the answers is not read until it catches up, so
        // the answers cannot pile up without bound; the write timeout ends a client that never does.
        guard takeover != nil else { return }
        perform(state.afterTakeoverOutput(output: pendingBytes))
    }
}
