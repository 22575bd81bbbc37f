import HTTPServer

/// Runs `body` against a server on 127.0.0.1 with a free port, then shuts the server down and waits.
///
/// The server has 4 workers, a queue of `queueDepth` and a 200 ms lingering close; `configure` changes
/// anything else (limits, timeouts, protocols) before it starts. It answers with `responder` when one is given
/// (every request on the pool), else with `router`, by default ``TestRoutes``, with `middleware` around it.
public func withServer<T>(
    queueDepth: Int = 64,
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    responder: HTTPResponder? = nil,
    router: Router = TestRoutes.router(),
    middleware: [HTTPMiddleware] = [],
    _ body: (HTTPServer, Int) throws -> T
) throws -> T {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, workerCount: 4, queueDepth: queueDepth)
    configuration.timeouts.lingeringClose = .milliseconds(200)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration,
                            router: responder.map { Router(answeringEverythingWith: $0) } ?? router,
                            middleware: middleware, logger: TestRoutes.quietLogger)
    let port = try server.start()
    defer {
        server.shutdown(deadline: .seconds(2))
        server.waitUntilStopped()
    }
    return try body(server, port)
}
