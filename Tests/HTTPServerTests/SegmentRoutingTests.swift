import Testing

@testable import HTTPServer

/// One-segment routes (`/v1/models/{name}`): one path segment after the prefix, exact routes first, and the label
/// (not the path) reported as the route, so names do not multiply metrics labels.
@Suite struct SegmentRoutingTests {
    static func router() -> Router {
        var router = Router()
        router.add("GET", "/v1/models") { _ in HTTPResponse(status: .ok, body: Array("list".utf8)) }
        router.add("GET", segmentAfter: "/v1/models/", label: "/v1/models/{name}") { request in
            HTTPResponse(status: .ok, body: Array(request.path.utf8))
        }
        router.add("DELETE", segmentAfter: "/v1/models/", label: "/v1/models/{name}") { _ in HTTPResponse(status: .noContent) }
        return router
    }

    @Test func routesOneSegmentAndReportsTheLabel() {
        let respond = Self.router().responder()
        let response = respond(HTTPRequest(method: "GET", target: "/v1/models/digits?x=1"))
        #expect(response.status == .ok)
        #expect(response.body == Array("/v1/models/digits".utf8))
        #expect(response.route == "/v1/models/{name}")
        #expect(respond(HTTPRequest(method: "GET", target: "/v1/models")).body == Array("list".utf8))
        #expect(respond(HTTPRequest(method: "DELETE", target: "/v1/models/a")).status == .noContent)
    }

    @Test func otherShapesAreNotFoundAndOtherMethodsNotAllowed() {
        let router = Self.router()
        let respond = router.responder()
        #expect(respond(HTTPRequest(method: "GET", target: "/v1/models/")).status == .notFound)
        #expect(respond(HTTPRequest(method: "GET", target: "/v1/models/a/b")).status == .notFound)
        let post = respond(HTTPRequest(method: "POST", target: "/v1/models/a"))
        #expect(post.status == .methodNotAllowed)
        #expect(post.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS")
        guard case .never = Router.inlinePolicy(of: router.resolve(HTTPRequest(method: "GET", target: "/v1/models/a")))
        else { Issue.record("a segment route runs on the pool"); return }
    }
}
