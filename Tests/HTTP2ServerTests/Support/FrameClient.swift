import TestSupport

/// One HTTP/2 frame (RFC 9113 §4.1).
struct Frame: CustomStringConvertible {
    enum Kind: UInt8 {
        case data = 0, headers = 1, priority = 2, rstStream = 3, settings = 4, pushPromise = 5, ping = 6
        case goAway = 7, windowUpdate = 8, continuation = 9
    }
    static let endStream: UInt8 = 0x1, endHeaders: UInt8 = 0x4, ack: UInt8 = 0x1

    var type: UInt8
    var flags: UInt8
    var stream: UInt32
    var payload: [UInt8]

    var kind: Kind? { Kind(rawValue: type) }
    var endsStream: Bool { flags & Self.endStream != 0 }

    /// The 9-byte header and the payload.
    var bytes: [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
            + bigEndian32(stream & 0x7FFF_FFFF) + payload
    }

    /// GOAWAY's last stream id and error code.
    var goAway: (lastStream: UInt32, error: UInt32)? {
        guard kind == .goAway, payload.count >= 8 else { return nil }
        return (readBigEndian32(payload, 0) & 0x7FFF_FFFF, readBigEndian32(payload, 4))
    }

    /// SETTINGS entries by id.
    var settings: [UInt16: UInt32] {
        guard kind == .settings else { return [:] }
        var entries: [UInt16: UInt32] = [:]
        for offset in stride(from: 0, to: payload.count - 5, by: 6) {
            entries[UInt16(payload[offset]) << 8 | UInt16(payload[offset + 1])] = readBigEndian32(payload, offset + 2)
        }
        return entries
    }

    var description: String { "\(kind.map { "\($0)" } ?? "type \(type)") stream \(stream) flags \(flags) len \(payload.count)" }

    static func headers(stream: UInt32, _ fields: [(String, String)], endStream: Bool = true) -> Frame {
        Frame(type: Kind.headers.rawValue, flags: endHeaders | (endStream ? Self.endStream : 0), stream: stream,
              payload: HPACK.literals(fields))
    }

    static func data(stream: UInt32, _ bytes: [UInt8], endStream: Bool = true) -> Frame {
        Frame(type: Kind.data.rawValue, flags: endStream ? Self.endStream : 0, stream: stream, payload: bytes)
    }

    static func rstStream(stream: UInt32, error: UInt32 = 8) -> Frame {  // 8: CANCEL
        Frame(type: Kind.rstStream.rawValue, flags: 0, stream: stream, payload: bigEndian32(error))
    }

    static let settingsAck = Frame(type: Kind.settings.rawValue, flags: ack, stream: 0, payload: [])
    static let emptySettings = Frame(type: Kind.settings.rawValue, flags: 0, stream: 0, payload: [])
}

/// Request headers for `method path` on the test server.
func requestFields(_ method: String, _ path: String, _ extra: [(String, String)] = []) -> [(String, String)] {
    [(":method", method), (":scheme", "http"), (":path", path), (":authority", "localhost")] + extra
}

/// HPACK (RFC 7541) as simple as it gets: every field a literal without indexing, no Huffman coding.
enum HPACK {
    static func literals(_ fields: [(String, String)]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, value) in fields {
            out.append(0x00)  // §6.2.2, new name
            appendString(name, to: &out)
            appendString(value, to: &out)
        }
        return out
    }

    private static func appendString(_ text: String, to out: inout [UInt8]) {
        let bytes = Array(text.utf8)
        appendInteger(bytes.count, prefixBits: 7, to: &out)
        out += bytes
    }

    /// §5.1 integer representation with an N-bit prefix (H bit zero).
    static func appendInteger(_ value: Int, prefixBits: Int, to out: inout [UInt8]) {
        let limit = (1 << prefixBits) - 1
        guard value >= limit else { return out.append(UInt8(value)) }
        out.append(UInt8(limit))
        var rest = value - limit
        while rest >= 128 {
            out.append(UInt8(rest % 128 + 128))
            rest /= 128
        }
        out.append(UInt8(rest))
    }
}

func bigEndian32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
}

func readBigEndian32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
        | UInt32(bytes[offset + 3])
}

/// A hand-driven HTTP/2 client for the frames no well-behaved client sends, on a ``RawClient`` (which keeps
/// its receive timeout, so no test hangs on a silent server).
final class FrameClient {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    private let connection: RawClient
    private var buffer: [UInt8] = []
    /// The server closed the connection (or reset it).
    private(set) var closed = false

    init(port: Int, timeout: Double = 5) throws {
        connection = try RawClient(port: port, timeout: timeout)
    }

    /// Sends the client preface and an empty SETTINGS frame.
    func startHTTP2() throws {
        try send(Self.preface + Frame.emptySettings.bytes)
    }

    func send(_ bytes: [UInt8]) throws { try connection.send(bytes) }

    func send(_ frames: Frame...) throws { try send(frames.flatMap(\.bytes)) }

    /// The next frame; nil once the server closed the connection. Acknowledges the server's SETTINGS.
    /// Throws on timeout.
    func nextFrame() throws -> Frame? {
        while true {
            if buffer.count >= 9 {
                let length = Int(buffer[0]) << 16 | Int(buffer[1]) << 8 | Int(buffer[2])
                if buffer.count >= 9 + length {
                    let frame = Frame(type: buffer[3], flags: buffer[4], stream: readBigEndian32(buffer, 5) & 0x7FFF_FFFF,
                                      payload: Array(buffer[9..<(9 + length)]))
                    buffer.removeFirst(9 + length)
                    if frame.kind == .settings && frame.flags & Frame.ack == 0 { try? send(Frame.settingsAck) }
                    return frame
                }
            }
            guard try fill() else { return nil }
        }
    }

    /// Frames until `stop` returns true for one (included) or the server closes the connection.
    func frames(until stop: (Frame) -> Bool = { _ in false }) throws -> [Frame] {
        var frames: [Frame] = []
        while let frame = try nextFrame() {
            frames.append(frame)
            if stop(frame) { break }
        }
        return frames
    }

    /// Raw bytes until the server closes the connection (for HTTP/1.1 answers).
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer = [] }
        return buffer
    }

    /// Appends the next bytes to arrive; false once the server closed or reset the connection (a reset is how
    /// it ends a connection it gave up on, so it counts as closed). Throws on timeout or another error.
    private func fill() throws -> Bool {
        guard !closed else { return false }
        do {
            let bytes = try connection.readSome()
            if !bytes.isEmpty {
                buffer += bytes
                return true
            }
        } catch let failure as RawClient.Failure where failure.kind == .connectionReset {}
        closed = true
        return false
    }
}
