import Foundation
import HTTPServer
import JacobianEngine
import Testing

@testable import ServerApp

/// Metric names, labels and counts after known requests; the cache counters; the /metrics route.
@Suite struct ServiceMetricsTests {
    /// A router with two application routes, instrumented and with the operational routes, as `Service` builds it.
    private func instrumentedResponder(_ metrics: ServiceMetrics, readiness: Readiness = Readiness(),
                                       cacheTotals: OperationalRoutes.CacheTotals? = nil) -> HTTPResponder {
        var router = Router()
        router.add("POST", "/v1/jacobian") { _ in HTTPResponse(status: .ok) }
        router.add("GET", "/fail") { _ in Problem(status: .unprocessableContent, detail: "bad").response }
        OperationalRoutes.add(to: &router, readiness: readiness, metrics: metrics, cacheTotals: cacheTotals)
        return router.responder(middleware: [metrics.instrumentation])
    }

    /// The value of the sample line `name{labels}` in the exposition text, or nil.
    private func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func requestsAreCountedByRouteMethodAndStatus() {
        let metrics = ServiceMetrics()
        let responder = instrumentedResponder(metrics)
        for _ in 0..<3 { _ = responder(HTTPRequest(method: "POST", target: "/v1/jacobian")) }
        _ = responder(HTTPRequest(method: "GET", target: "/v1/jacobian"))  // 405
        _ = responder(HTTPRequest(method: "GET", target: "/fail"))
        _ = responder(HTTPRequest(method: "GET", target: "/random/1?x=1"))  // 404
        _ = responder(HTTPRequest(method: "GET", target: "/random/2"))
        _ = responder(HTTPRequest(method: "BREW", target: "/v1/jacobian"))  // 405
        let text = String(decoding: metrics.render(), as: UTF8.self)

        #expect(sample(text, #"http_requests_total{route="/v1/jacobian",method="POST",status="200"}"#) == 3)
        #expect(sample(text, #"http_requests_total{route="/v1/jacobian",method="GET",status="405"}"#) == 1)
        #expect(sample(text, #"http_requests_total{route="/fail",method="GET",status="422"}"#) == 1)
        #expect(sample(text, #"http_requests_total{route="unmatched",method="GET",status="404"}"#) == 2)
        #expect(sample(text, #"http_requests_total{route="/v1/jacobian",method="OTHER",status="405"}"#) == 1)
        #expect(!text.contains("/random"), "raw paths of unknown URLs must never become label values")
        #expect(text.contains("# TYPE http_requests_total counter"))
    }

    @Test func latencyIsAHistogramPerRoute() {
        let metrics = ServiceMetrics()
        let responder = instrumentedResponder(metrics)
        for _ in 0..<4 { _ = responder(HTTPRequest(method: "POST", target: "/v1/jacobian")) }
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
        #expect(sample(text, #"http_request_duration_seconds_count{route="/v1/jacobian"}"#) == 4)
        #expect(sample(text, #"http_request_duration_seconds_bucket{route="/v1/jacobian",le="+Inf"}"#) == 4)
        #expect(sample(text, #"http_request_duration_seconds_bucket{route="/v1/jacobian",le="0.0001"}"#) != nil)
        #expect(sample(text, #"http_request_duration_seconds_bucket{route="/v1/jacobian",le="10.0"}"#) == 4)
    }

    @Test func cacheCountersFollowTheEngineTotals() {
        let metrics = ServiceMetrics()
        metrics.updateCache(hits: 5, misses: 2, entries: 2)
        metrics.updateCache(hits: 9, misses: 3, entries: 3)
        let text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(sample(text, "jacobian_cache_hits_total") == 9)
        #expect(sample(text, "jacobian_cache_misses_total") == 3)
        #expect(sample(text, "jacobian_cache_entries") == 3)
        #expect(text.contains("# TYPE jacobian_cache_hits_total counter"))
        #expect(text.contains("# TYPE jacobian_cache_entries gauge"))
    }

    @Test func cacheHitsAndMissesOfARealEngineAppearAtTheNextScrape() throws {
        let engine = JacobianEngine(cacheCapacity: 8)
        let spec = try JSONDecoder().decode(
            FunctionSpec.self, from: Data(#"{"type":"expression","inputs":["x"],"outputs":["sin(x)"]}"#.utf8))
        let other = try JSONDecoder().decode(
            FunctionSpec.self, from: Data(#"{"type":"expression","inputs":["x"],"outputs":["x^2"]}"#.utf8))
        for function in [spec, spec, spec, other] { _ = try engine.compile(function) }
        let metrics = ServiceMetrics()
        let responder = instrumentedResponder(metrics, cacheTotals: engine.cacheTotals)
        let text = String(decoding: responder(HTTPRequest(method: "GET", target: "/metrics")).body, as: UTF8.self)
        #expect(sample(text, "jacobian_cache_hits_total") == 2)
        #expect(sample(text, "jacobian_cache_misses_total") == 2)
        #expect(sample(text, "jacobian_cache_entries") == 2)
    }

    @Test func theMetricsRouteRefreshesTheCacheAndUsesThePrometheusContentType() throws {
        let metrics = ServiceMetrics()
        let responder = instrumentedResponder(metrics, cacheTotals: { (hits: 7, misses: 1, entries: 1) })
        let response = responder(HTTPRequest(method: "GET", target: "/metrics"))
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(sample(text, "jacobian_cache_hits_total") == 7)
        // The scrape itself is counted once it has been answered, so the next scrape shows it.
        let next = String(decoding: responder(HTTPRequest(method: "GET", target: "/metrics")).body, as: UTF8.self)
        #expect(sample(next, #"http_requests_total{route="/metrics",method="GET",status="200"}"#) == 1)
    }

    @Test func healthAndReadinessFollowTheLifecycle() {
        let readiness = Readiness()
        let responder = instrumentedResponder(ServiceMetrics(), readiness: readiness)
        let health = { responder(HTTPRequest(method: "GET", target: "/healthz")) }
        let ready = { responder(HTTPRequest(method: "GET", target: "/readyz")) }

        #expect(ready().status == .serviceUnavailable)
        readiness.markReady()
        #expect(ready().status == .ok)
        #expect(String(decoding: ready().body, as: UTF8.self) == #"{"status":"ready"}"#)
        #expect(readiness.markDraining())
        #expect(!readiness.markDraining(), "draining is entered once")
        readiness.markReady()
        let draining = ready()
        #expect(draining.status == .serviceUnavailable, "a draining process never becomes ready again")
        #expect(draining.headers["Content-Type"] == "application/problem+json")
        #expect(String(decoding: draining.body, as: UTF8.self).contains("draining"))
        #expect(health().status == .ok, "liveness holds while draining")
        #expect(String(decoding: health().body, as: UTF8.self) == #"{"status":"ok"}"#)
        #expect(health().headers["Cache-Control"] == "no-store")
    }
}
