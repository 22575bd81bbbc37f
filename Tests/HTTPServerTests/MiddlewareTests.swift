import HTTPServer
import Synchronization
import TestSupport
import Testing

/// The middleware around the router, as the dispatcher composes it: once per answered request wherever it runs
/// (inline, inline attempt, worker pool, router errors), in order, and able to add fields to the request.
@Suite struct MiddlewareTests {
    /// What the middleware saw: one entry per answered request.
    final class Journal: Sendable {
        let entries = Mutex<[String]>([])
        var all: [String] { entries.withLock { $0 } }
        func add(_ entry: String) { entries.withLock { $0.append(entry) } }
    }

    /// Records `name>` going in and `<name path status route` coming out, and adds `X-Seen-By: name` to the request.
    static func recording(_ name: String, into journal: Journal) -> HTTPMiddleware {
        return { request, next in
            journal.add("\(name)>")
            var request = request
            request.headers.add("X-Seen-By", name)
            guard let response = next(request) else {
                journal.add("<\(name) declined")
                return nil
            }
            journal.add("<\(name) \(request.path) \(response.status.code) \(response.route ?? "-")")
            return response
        }
    }

    @Test func everyAnsweredRequestPassesOnceThroughTheChainInOrder() throws {
        let journal = Journal()
        var router = TestRoutes.router()
        router.add("GET", "/seen-by") { request in
            HTTPResponse(status: .ok, contentType: "text/plain",
                         body: request.headers.values(for: "X-Seen-By").joined(separator: ","))
        }
        let middleware = [Self.recording("a", into: journal), Self.recording("b", into: journal)]
        try withServer(router: router, middleware: middleware) { _, port in
            let client = try RawClient(port: port)
            try client.send(get("/seen-by"))
            #expect(try client.readResponse().text == "a,b", "the first middleware is the outermost")
            #expect(journal.all == ["a>", "b>", "<b /seen-by 200 /seen-by", "<a /seen-by 200 /seen-by"])

            for (target, answer) in [("/probe", "inline"), ("/attempt?cheap", "inline"), ("/attempt", "pooled")] {
                journal.entries.withLock { $0 = [] }
                try client.send(get(target))
                #expect(try client.readResponse().text == answer)
                let finished = journal.all.filter { $0.hasPrefix("<a /") }
                #expect(finished.count == 1, "\(target): answered once, logged once: \(journal.all)")
            }
            // The declined attempt went through the chain twice; only the pool's pass answered.
            #expect(journal.all.filter { $0.contains("declined") } == ["<b declined", "<a declined"])

            journal.entries.withLock { $0 = [] }
            try client.send(get("/nowhere"))
            #expect(try client.readResponse().status == 404)
            #expect(journal.all.last == "<a /nowhere 404 -", "router errors pass through the chain, unlabelled")
        }
    }
}
