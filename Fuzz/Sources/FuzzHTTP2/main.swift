import FuzzSupport
import Glibc
import HTTP2Server
import HTTPServer
import Logging

/// The HTTP/2 session (nghttp2 and this service's callbacks, stream limits and body budget) fed client bytes.
///
/// `HTTP2Session` only talks to a `ConnectionIO`, which wraps a socket connection and has no in-memory
/// form, so each input goes over loopback to a server running in this process (coverage and sanitizers see its
/// threads as they see this one): the client preface, then the input, then a half-close; the answer is read
/// until the server closes. A server that does not close within 10 seconds is a hang.
private let port: Int = {
    var logger = Logger(label: "fuzz")
    logger.logLevel = .critical
    var router = Router()
    router.add("POST", "/echo") { request in HTTPResponse(status: .ok, body: request.body) }
    router.add("GET", "/") { _ in HTTPResponse(status: .ok, contentType: "text/plain", body: "hello\n") }
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, workerCount: 2, queueDepth: 16)
    configuration.timeouts.lingeringClose = .milliseconds(1)
    configuration.limits = HTTPLimits(maxHeaderSectionBytes: 1024, maxBodyBytes: 4096, maxBufferedBodyBytes: 1 << 20)
    configuration.protocols = [HTTP2Protocol(logger: logger)]
    let server = HTTPServer(configuration: configuration, router: router, logger: logger)
    do { return try server.start() } catch { fatalError("cannot start the server: \(error)") }
}()

private let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

/// A socket connected to the server. A failed attempt is retried: libFuzzer's SIGALRM (its -timeout check)
/// interrupts `connect`, which is the harness's business, not a finding; only a server that refuses for a second
/// stops the run.
private func connectToServer() -> Int32 {
    var lastError: Int32 = 0
    for _ in 0..<100 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { fatalError("socket failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected == 0 { return fd }
        lastError = errno
        close(fd)
        usleep(10_000)
    }
    fatalError("the server refused connections for a second: errno \(lastError)")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP2(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = preface + (start.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? [])
    let fd = connectToServer()
    defer { close(fd) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    // MSG_NOSIGNAL: the server may close first (a connection error), and that must not kill the fuzzer.
    var sent = 0
    while sent < bytes.count {
        let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n < 0 && errno == EINTR { continue }  // libFuzzer's SIGALRM (its -timeout check) interrupts calls.
        if n <= 0 { break }  // The server closed (a connection error); what it said is read below.
        sent += n
    }
    shutdown(fd, Int32(SHUT_WR))
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 || (n < 0 && errno == EINTR) { continue }
        if n == 0 || errno == ECONNRESET { break }
        fatalError("the server neither answered nor closed within 10 s (errno \(errno))")
    }
    return 0
}

/// The entry point SwiftPM links as `main` (see `runLibFuzzer`).
@_cdecl("FuzzHTTP2_main")
public func FuzzHTTP2Main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzzHTTP2)
}
