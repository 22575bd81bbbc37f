#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure to set up the listening socket, with the call that failed and `errno`.
public struct SocketError: Error, CustomStringConvertible {
    /// The system call or step that failed.
    public var operation: String
    /// The `errno` it set, or 0.
    public var code: Int32

    /// `bind: Address already in use (98)`.
    public var description: String { "\(operation): \(String(cString: strerror(code))) (\(code))" }
}

/// Thin wrappers over the POSIX socket calls the server needs.
enum Socket {
    /// A non-blocking listening socket bound to `host:port` with SO_REUSEADDR, and the port it got.
    /// `::` listens on IPv6 and, dual-stack, on IPv4 too.
    static func listen(host: String, port: Int, backlog: Int) throws(SocketError) -> (fd: Int32, port: Int) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError(operation: "getaddrinfo \(host): \(String(cString: gai_strerror(status)))", code: 0)
        }
        defer { freeaddrinfo(list) }

        var lastError = SocketError(operation: "no address for \(host)", code: 0)
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { lastError = SocketError(operation: "socket", code: errno); continue }
            setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1)
            if info.pointee.ai_family == AF_INET6 {
                setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, 0)
            }
            guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                lastError = SocketError(operation: "bind \(host):\(port)", code: errno)
                _ = close(fd)
                continue
            }
            guard Glibc.listen(fd, Int32(clamping: backlog)) == 0 else {
                lastError = SocketError(operation: "listen", code: errno)
                _ = close(fd)
                continue
            }
            setNonBlocking(fd)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            return (fd, boundPort(fd))
        }
        throw lastError
    }

    /// Accepts one pending connection as a non-blocking, close-on-exec socket with TCP_NODELAY
    /// (responses are written whole, so Nagle's delay would only add latency). Nil when none is pending.
    /// The peer's address without its port (`127.0.0.1`, `::1`): who a connection belongs to, for fair
    /// scheduling between clients. Empty when it cannot be read.
    static func peerAddress(_ fd: Int32) -> String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        guard result == 0 else { return "" }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(storage.ss_family)
        let converted: UnsafePointer<CChar>? = withUnsafePointer(to: &storage) { raw in
            switch family {
            case AF_INET:
                return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    withUnsafePointer(to: address.pointee.sin_addr) {
                        inet_ntop(AF_INET, $0, &text, socklen_t(text.count))
                    }
                }
            case AF_INET6:
                return raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    withUnsafePointer(to: address.pointee.sin6_addr) {
                        inet_ntop(AF_INET6, $0, &text, socklen_t(text.count))
                    }
                }
            default:
                return nil
            }
        }
        guard converted != nil else { return "" }
        let end = text.firstIndex(of: 0) ?? text.count
        return String(decoding: text[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func accept(_ listener: Int32) -> Result<Int32, SocketError>? {
        // accept4 is hidden behind _GNU_SOURCE in Swift's Glibc module, so flags are set afterwards.
        let fd = Glibc.accept(listener, nil, nil)
        if fd < 0 {
            switch errno {
            case EAGAIN, EWOULDBLOCK: return nil
            case EINTR, ECONNABORTED, EPROTO: return accept(listener)
            default: return .failure(SocketError(operation: "accept", code: errno))
            }
        }
        setNonBlocking(fd)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
        return .success(fd)
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    static func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    private static func boundPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        let family = Int32(storage.ss_family)
        return withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET6 {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Writes as much of `chunks` (starting `offset` bytes into the first) as the socket takes, with one
    /// `sendmsg` and MSG_NOSIGNAL so a closed peer yields EPIPE rather than SIGPIPE. Returns bytes written,
    /// 0 when the socket buffer is full, or the errno of a fatal error.
    static func send(_ fd: Int32, _ chunks: ArraySlice<[UInt8]>, offset: Int) -> Result<Int, SocketError> {
        let chunks = chunks.prefix(64)
        return withUnsafeTemporaryAllocation(of: iovec.self, capacity: chunks.count) { iovecs in
            // Each chunk's pointer is used inside its own `withUnsafeBytes`, nested one in the next, so that none
            // escapes the closure that lends it.
            func gather(from position: Int, filled: Int) -> Result<Int, SocketError> {
                guard position < chunks.endIndex else { return sendGathered(iovecs.baseAddress, count: filled) }
                let skip = position == chunks.startIndex ? offset : 0
                guard chunks[position].count > skip else { return gather(from: position + 1, filled: filled) }
                return chunks[position].withUnsafeBytes { raw in
                    iovecs[filled] = iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress! + skip),
                                           iov_len: raw.count - skip)
                    return gather(from: position + 1, filled: filled + 1)
                }
            }
            return gather(from: chunks.startIndex, filled: 0)
        }

        func sendGathered(_ iovecs: UnsafeMutablePointer<iovec>?, count: Int) -> Result<Int, SocketError> {
            var message = msghdr()
            message.msg_iov = iovecs
            message.msg_iovlen = numericCast(count)
            while true {
                let written = sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
                if written >= 0 { return .success(written) }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .success(0)
                default: return .failure(SocketError(operation: "send", code: errno))
                }
            }
        }
    }
}
