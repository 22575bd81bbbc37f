#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `jacobian-server --healthcheck`: a dependency-free probe for the container's HEALTHCHECK, so that the image
/// needs no curl. It sends `GET /healthz` to the configured port and reports whether the answer is 200.
public enum HealthCheck {
    /// The address to probe for a server configured to listen on `host`: the loopback for wildcard addresses
    /// (`0.0.0.0`, `::`), since the probe runs beside the server, otherwise `host` itself.
    static func probeHost(for host: String) -> String {
        switch host {
        case "0.0.0.0", "": return "127.0.0.1"
        case "::", "[::]": return "::1"
        default: return host
        }
    }

    /// Whether `GET /healthz` on `host`:`port` answers 200 within `timeout` seconds (per connect, send and read).
    public static func isHealthy(host: String, port: Int, timeoutSeconds: Int = 3) -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let target = probeHost(for: host)
        guard getaddrinfo(target, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }

        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            if let answer = exchange(info.pointee, host: target, timeoutSeconds: timeoutSeconds) {
                return answer.hasPrefix("HTTP/1.1 200 ") || answer.hasPrefix("HTTP/1.0 200 ")
            }
            candidate = info.pointee.ai_next
        }
        return false
    }

    /// Connects to one resolved address, sends the request and returns the status line, or nil if unreachable.
    private static func exchange(_ info: addrinfo, host: String, timeoutSeconds: Int) -> String? {
        let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        // On Linux SO_SNDTIMEO also bounds connect(2); both bound the exchange below.
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connect(fd, info.ai_addr, info.ai_addrlen) == 0 else { return nil }

        let authority = host.contains(":") ? "[\(host)]" : host
        let request = Array("GET /healthz HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n\r\n".utf8)
        #if canImport(Darwin)
        let flags: Int32 = 0
        #else
        let flags = Int32(MSG_NOSIGNAL)  // A server closing early must not kill the probe with SIGPIPE.
        #endif
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, flags) }
        guard sent == request.count else { return nil }

        // The status line is all that matters; 256 bytes hold it with room to spare.
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while received.count < 256, !received.contains(UInt8(ascii: "\n")) {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[..<count]
        }
        let line = received.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        return String(decoding: line, as: UTF8.self)
    }
}
