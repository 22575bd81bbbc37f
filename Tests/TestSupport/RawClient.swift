#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client for tests: sends raw bytes and reads raw bytes back, with a send and a receive timeout
/// on the socket so that no test can hang on a silent server.
///
/// HTTP/1.1 on top of it is in `RawClient+HTTP.swift`; the HTTP/2 tests drive frames through ``readSome()``.
/// `@unchecked Sendable`: a test hands each client to one thread at a time, never shares it concurrently.
public final class RawClient: @unchecked Sendable {
    /// Why a connection, a send or a read failed.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, so callers can tell a peer's reset (often the expected outcome) from a timeout.
        public enum Kind: Sendable { case socket, connect, send, timedOut, connectionReset, readFailed, malformed }
        /// The kind of failure.
        public var kind: Kind
        /// What happened, for the test log.
        public var description: String
        /// A failure of `kind` described by `description`.
        public init(_ kind: Kind, _ description: String) {
            self.kind = kind
            self.description = description
        }
    }

    /// The port connected to (for the Host header).
    public let port: Int
    private let fd: Int32
    /// Bytes received and not yet handed out.
    var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`, or [::1]:`port` with `ipv6`; sends and reads give up after `timeout` seconds.
    /// `source` binds the IPv4 client to another loopback address (`127.0.0.2`), to act as another client.
    public init(port: Int, ipv6: Bool = false, timeout: Double = 5, source: String? = nil) throws {
        self.port = port
        fd = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(.socket, "socket: \(errno)") }
        if let source, !ipv6 {
            var local = Self.loopback4(0)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let code = errno
                Glibc.close(fd)
                throw Failure(.connect, "bind to \(source): \(code)")
            }
        }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let result = ipv6 ? Self.connect(fd, to: Self.loopback6(port)) : Self.connect(fd, to: Self.loopback4(port))
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(.connect, "connect to port \(port): \(code)")
        }
    }

    deinit { Glibc.close(fd) }

    private static func loopback4(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func loopback6(_ port: Int) -> sockaddr_in6 {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = UInt16(port).bigEndian
        address.sin6_addr = in6addr_loopback
        return address
    }

    private static func connect<Address>(_ fd: Int32, to address: Address) -> Int32 {
        withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
    }

    /// Sends `text` as UTF-8.
    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Sends all of `bytes`; throws if the peer is gone or the send timeout runs out.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(.send, "send: \(errno)") }
            offset += n
        }
    }

    /// Half-closes: the server sees end of input.
    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads more bytes into the buffer; false at end of stream. Throws on timeout or reset.
    @discardableResult
    func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK { throw Failure(.timedOut, "read timed out") }
            throw Failure(code == ECONNRESET ? .connectionReset : .readFailed, "read failed: \(code)")
        }
        buffer.append(contentsOf: chunk[..<n])
        return n > 0
    }

    /// True if the server closes the connection (end of stream, or a reset) before the timeout runs out
    /// and before sending anything more.
    public func isClosedByServer() -> Bool {
        do { return try !fill() && buffer.isEmpty } catch let failure as Failure {
            return failure.kind == .connectionReset || failure.kind == .readFailed
        } catch { return false }
    }

    /// Whatever is buffered, or the next bytes to arrive; empty at end of stream. Throws on timeout or reset.
    public func readSome() throws -> [UInt8] {
        if buffer.isEmpty { try fill() }
        defer { buffer = [] }
        return buffer
    }

    /// Everything until the server closes.
    public func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer = [] }
        return buffer
    }
}
