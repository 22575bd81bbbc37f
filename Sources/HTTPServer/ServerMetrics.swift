import Metrics

/// The server's metrics (swift-metrics; exported by whatever backend the process bootstraps).
struct ServerMetrics: Sendable {
    /// `http_open_connections`: connections currently open.
    let openConnections = Gauge(label: "http_open_connections")
    /// `http_worker_queue_depth`: requests waiting for a worker.
    let workerQueueDepth = Gauge(label: "http_worker_queue_depth")
    /// `http_requests_in_flight`: requests being handled by a worker.
    let requestsInFlight = Gauge(label: "http_requests_in_flight")
    /// `http_requests_rejected_total{reason="overloaded"}`: requests answered 503 because the pool was full.
    let rejectedOverloaded = Counter(label: "http_requests_rejected_total", dimensions: [("reason", "overloaded")])
    /// `http_requests_rejected_total{reason="connection_limit"}`: connections refused past `maxConnections`.
    let rejectedConnectionLimit = Counter(
        label: "http_requests_rejected_total", dimensions: [("reason", "connection_limit")])
    /// `http_buffered_body_bytes`: request-body bytes reserved in the process-wide `ByteBudget`.
    let bufferedBodyBytes = Gauge(label: "http_buffered_body_bytes")
    /// `http_buffered_response_bytes`: response-body bytes reserved in the process-wide response budget, not yet
    /// read by their clients.
    let bufferedResponseBytes = Gauge(label: "http_buffered_response_bytes")
    /// `http_requests_rejected_total{reason="response_budget"}`: responses replaced by a 503 because they did not
    /// fit in `HTTPLimits.maxBufferedResponseBytes`.
    let rejectedResponseBudget = Counter(
        label: "http_requests_rejected_total", dimensions: [("reason", "response_budget")])
    /// `http_requests_rejected_total{reason="body_budget"}`: requests answered 503 because their body did not
    /// fit in `HTTPLimits.maxBufferedBodyBytes`.
    let rejectedBodyBudget = Counter(label: "http_requests_rejected_total", dimensions: [("reason", "body_budget")])
    /// `http_connections_evicted_total`: idle or silent connections closed, longest idle first, to admit new
    /// ones when the table was full (`maxConnections`).
    let evictedConnections = Counter(label: "http_connections_evicted_total")
    /// `http_requests_cancelled_total{stage="queued"}`: requests whose client left while they waited for a
    /// worker; they were dropped without running.
    let cancelledQueued = Counter(label: "http_requests_cancelled_total", dimensions: [("stage", "queued")])
    /// `http_requests_cancelled_total{stage="running"}`: requests whose client left while a worker ran them;
    /// the work stops at its next check.
    let cancelledRunning = Counter(label: "http_requests_cancelled_total", dimensions: [("stage", "running")])

    /// Counts a cancellation at the stage `cancel()` reported (nothing when the work had finished).
    func recordCancellation(_ stage: CancellationToken.Stage?) {
        switch stage {
        case .queued: cancelledQueued.increment()
        case .running: cancelledRunning.increment()
        case nil: break
        }
    }
}
