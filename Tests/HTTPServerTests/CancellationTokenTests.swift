import Testing

@testable import HTTPServer

/// The token's stages: what a cancellation meant (dropped before running, or stopped while running), and nothing
/// once the work has finished.
@Suite struct CancellationTokenTests {
    @Test func cancellingQueuedWorkDropsIt() {
        let token = CancellationToken()
        #expect(token.cancel() == .queued)
        #expect(token.isCancelled)
        #expect(!token.start())
        #expect(token.cancel() == nil)  // Counted once.
    }

    @Test func cancellingRunningWorkIsSeenByIt() {
        let token = CancellationToken()
        #expect(token.start())
        #expect(!token.isCancelled)
        #expect(token.cancel() == .running)
        #expect(token.isCancelled)
    }

    @Test func finishedWorkIsNotCancelled() {
        let token = CancellationToken()
        #expect(token.start())
        token.finish()
        #expect(token.cancel() == nil)
        #expect(!token.isCancelled)
    }

    @Test func eachRequestHasItsOwnToken() {
        let a = HTTPRequest(method: "GET", target: "/")
        let b = HTTPRequest(method: "GET", target: "/")
        a.cancellation.cancel()
        #expect(!b.cancellation.isCancelled)
    }
}
