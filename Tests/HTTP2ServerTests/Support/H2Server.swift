import HTTP2Server
import HTTPServer
import TestSupport

/// Runs `body` against a server speaking HTTP/1.1 and h2c on 127.0.0.1 and a free port, then shuts it down.
/// `configure` runs after the HTTP/2 protocol is set, so a test may replace it.
func withH2Server<T>(
    http2: HTTP2Configuration = HTTP2Configuration(),
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    _ body: (HTTPServer, Int) throws -> T
) throws -> T {
    try withServer(queueDepth: 256, { configuration in
        configuration.protocols = [HTTP2Protocol(configuration: http2, logger: TestRoutes.quietLogger)]
        configure(&configuration)
    }, body)
}
