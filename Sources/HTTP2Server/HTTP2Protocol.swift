import HTTPServer
import Logging
import Synchronization

/// HTTP/2 over cleartext TCP (h2c) on the HTTP/1.1 server's port. Add it to
/// `HTTPServerConfiguration.protocols`: a connection that opens with the client preface is HTTP/2 from the
/// first byte (prior knowledge, RFC 9113 §3.3); an HTTP/1.1 request with `Upgrade: h2c` and exactly one
/// valid `HTTP2-Settings` field is answered 101 and continues as HTTP/2, its response on stream 1
/// (RFC 7540 §3.2). Every other connection stays HTTP/1.1.
public struct HTTP2Protocol: ConnectionProtocolFactory {
    /// The connection limits.
    public let configuration: HTTP2Configuration
    /// Where connection errors (debug) and invalid handler responses (error) are logged.
    public let logger: Logger
    private let sessions = SessionCounter()

    /// HTTP/2 connections of this protocol whose session is still allocated (open, or with a handler still
    /// running for it); it returns to zero once they are closed, which is how tests see nothing leaks.
    public var liveSessionCount: Int { sessions.count.load(ordering: .relaxed) }

    /// Creates the protocol with `configuration`, logging to `logger`.
    public init(configuration: HTTP2Configuration = HTTP2Configuration(),
                logger: Logger = Logger(label: "HTTP2Server")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` (RFC 9113 §3.4).
    public var preface: [UInt8]? { Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) }

    /// `h2c`.
    public var upgradeToken: String? { "h2c" }

    /// A session for the connection; nil for an upgrade without exactly one well-formed `HTTP2-Settings`
    /// field, which the HTTP/1.1 server then answers as if no upgrade had been asked.
    public func makeHandler(connection: ConnectionIO,
                            upgradeRequest: HTTPRequest?) -> (any ConnectionProtocolHandler)? {
        guard let request = upgradeRequest else {
            return HTTP2Session(io: connection, configuration: configuration, logger: logger, counter: sessions)
        }
        let fields = request.headers.values(for: "HTTP2-Settings")
        guard fields.count == 1, let settings = Base64URL.decode(fields[0]),
              settings.count % 6 == 0  // Each setting is a 16-bit id and a 32-bit value.
        else { return nil }
        let session = HTTP2Session(io: connection, configuration: configuration, logger: logger, counter: sessions)
        guard session.upgrade(from: request, settings: settings) else { return nil }
        return session
    }
}

/// Counts live sessions: incremented when one is created, decremented when it is freed.
final class SessionCounter: Sendable {
    let count = Atomic<Int>(0)
}

/// The base64url alphabet without padding (RFC 4648 §5), as `HTTP2-Settings` is encoded.
enum Base64URL {
    /// The decoded bytes, or nil when `text` holds a character outside the alphabet or has an impossible
    /// length. Trailing `=` padding is tolerated, since some clients send it.
    static func decode(_ text: String) -> [UInt8]? {
        var sextets: [UInt8] = []
        sextets.reserveCapacity(text.utf8.count)
        var padding = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            guard padding == 0, let value = sextet(byte) else { return nil }
            sextets.append(value)
        }
        guard sextets.count % 4 != 1, padding <= 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sextets.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for value in sextets {
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return bytes
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
