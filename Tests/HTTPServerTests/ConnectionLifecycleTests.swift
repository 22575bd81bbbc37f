@testable import HTTPServer
import Testing

/// The connection's lifecycle without a socket: each event with the bytes buffered in and out, and the action the
/// state machine returns (keep-alive, pipelining limits, lingering close, shutdown, takeover).
@Suite struct ConnectionLifecycleTests {
    typealias Machine = ConnectionStateMachine
    let s: UInt64 = 1_000_000_000
    let high = ConnectionStateMachine.highWaterMark

    /// A machine that has read a request and handed it to a worker.
    func processing() -> Machine {
        var machine = Machine(timeouts: HTTPTimeouts(), now: 0)
        machine.requestBytesBuffered(now: 1)
        machine.headComplete(now: 2)
        machine.requestComplete()
        return machine
    }

    // MARK: Keep-alive

    @Test func rfc9112_9_3_aPersistentResponseLeadsToTheNextRequest() {
        var machine = processing()
        #expect(!machine.mayParse(output: 0), "one request at a time: responses keep their order")
        let persistent = machine.persists(requestKeepAlive: true, responseCloses: false)
        #expect(persistent)
        machine.responseQueued(persistent: persistent, input: 0, now: 3 * s)
        #expect(machine.phase == .idle(since: 3 * s))
        #expect(machine.nextAfterResponse(output: 100) == .processInput(resumeReading: true))
        #expect(machine.mayParse(output: 100))
        #expect(machine.outputDrained(now: 4 * s) == .none, "written, and the connection stays")
    }

    @Test func rfc9112_9_6_closeFromEitherSideEndsAfterTheResponseWithLingering() {
        for (requestKeepAlive, responseCloses) in [(false, false), (true, true)] {
            var machine = processing()
            let persistent = machine.persists(requestKeepAlive: requestKeepAlive, responseCloses: responseCloses)
            #expect(!persistent)
            machine.responseQueued(persistent: persistent, input: 0, now: 3 * s)
            #expect(machine.nextAfterResponse(output: 0) == .none, "no next request")
            #expect(machine.outputDrained(now: 4 * s) == .linger)
            #expect(machine.discardsInput)
            #expect(machine.nextTimeout()! == (4 * s + HTTPTimeouts().lingeringClose.nanoseconds, .lingering))
            #expect(machine.deadlinePassed(now: 10 * s) == .closeNow)
        }
    }

    @Test func bytesOfTheNextRequestAlreadyBufferedStartItsHeadTimer() {
        var machine = processing()
        machine.responseQueued(persistent: true, input: 40, now: 5 * s)
        #expect(machine.phase == .readingHead(since: 5 * s))
    }

    // MARK: Pipelining limits

    @Test func rfc9112_9_3_2_parsingStopsPastTheOutputHighWaterMark() {
        var machine = Machine(timeouts: HTTPTimeouts(), now: 0)
        machine.requestBytesBuffered(now: 1)
        #expect(machine.mayParse(output: high - 1))
        #expect(!machine.mayParse(output: high), "a pipeliner that does not read gets no more answers queued")
        #expect(machine.afterParsing(input: 0, output: high) == .suspendReading)
        #expect(machine.nextAfterResponse(output: high) == .none)
        #expect(machine.nextAfterResponse(output: high - 1) == .processInput(resumeReading: true))
    }

    @Test func aPipelinerIsNotReadWhileAWorkerHasItsRequestAndTooMuchIsBuffered() {
        let machine = processing()
        #expect(machine.afterParsing(input: high, output: 0) == .none)
        #expect(machine.afterParsing(input: high + 1, output: 0) == .suspendReading)
    }

    // MARK: Errors and the peer's close

    @Test func aRefusalIsTheLastResponseAndLingers() {
        var machine = Machine(timeouts: HTTPTimeouts(), now: 0)
        machine.requestBytesBuffered(now: 1)
        machine.refusing()
        #expect(!machine.persists(requestKeepAlive: true, responseCloses: false))
        machine.responseQueued(persistent: false, input: 500, now: 2 * s)
        #expect(!machine.mayParse(output: 0), "nothing after the refused request is parsed")
        #expect(machine.outputDrained(now: 3 * s) == .linger)
    }

    @Test func aBodyThatArrivesTooSlowlyIs408() {
        var machine = Machine(timeouts: HTTPTimeouts(requestHead: .seconds(1), requestBody: .seconds(2)), now: 0)
        machine.requestBytesBuffered(now: 0)
        machine.headComplete(now: s)
        #expect(machine.deadlinePassed(now: 2 * s) == .none)
        #expect(machine.deadlinePassed(now: 3 * s) == .refuse(.requestTimeout))
    }

    @Test func thePeersCloseAnswersWhatIsInFlightThenCloses() {
        var idle = Machine(timeouts: HTTPTimeouts(), now: 0)
        #expect(idle.peerDidClose(abandonedQueuedWork: false, output: 0) == .closeNow)

        var queued = processing()
        #expect(queued.peerDidClose(abandonedQueuedWork: true, output: 0) == .closeNow, "the worker drops the job")

        var running = processing()
        #expect(running.peerDidClose(abandonedQueuedWork: false, output: 0) == .suspendReading)
        #expect(!running.persists(requestKeepAlive: true, responseCloses: false))
        running.responseQueued(persistent: false, input: 0, now: s)
        #expect(running.outputDrained(now: 2 * s) == .closeNow, "no lingering for a peer that has gone")

        var pipelined = Machine(timeouts: HTTPTimeouts(), now: 0)
        #expect(pipelined.peerDidClose(abandonedQueuedWork: false, output: 10) == .suspendReading)
        #expect(pipelined.inputExhausted(output: 10) == .none)
        #expect(pipelined.outputDrained(now: s) == .closeNow, "closed once the answers are written")
    }

    // MARK: Shutdown

    @Test func shutdownClosesAnIdleConnectionAtOnce() {
        var machine = Machine(timeouts: HTTPTimeouts(), now: 0)
        #expect(machine.shutdownRequested(input: 0, output: 0) == .closeNow)
        #expect(machine.shutdownRequested(input: 0, output: 0) == .none, "asked once")
    }

    @Test func shutdownLetsTheRequestInFlightFinishWithoutKeepAlive() {
        var machine = processing()
        #expect(machine.shutdownRequested(input: 0, output: 0) == .none)
        #expect(!machine.persists(requestKeepAlive: true, responseCloses: false), "its response says close")
        machine.responseQueued(persistent: false, input: 0, now: s)
        #expect(machine.outputDrained(now: 2 * s) == .linger)
    }

    @Test func shutdownWaitsForAnIdleConnectionsUnwrittenOutput() {
        var machine = processing()
        machine.responseQueued(persistent: true, input: 0, now: s)
        #expect(machine.shutdownRequested(input: 0, output: 4096) == .none)
        #expect(machine.nextAfterResponse(output: 0) == .none, "no further request")
        #expect(machine.outputDrained(now: 2 * s) == .linger)
    }

    // MARK: Takeover

    @Test func aTakenOverConnectionOnlyReadsAndWrites() {
        var machine = Machine(timeouts: HTTPTimeouts(), now: 0)
        machine.requestBytesBuffered(now: 1)
        #expect(machine.takeOver() == .none)
        #expect(machine.isTakenOver)
        #expect(machine.nextTimeout() == nil, "its protocol keeps its own time")
        #expect(!machine.mayParse(output: 0))
        #expect(machine.nextAfterResponse(output: 0) == .resumeReading)
        #expect(machine.afterTakeoverOutput(output: high + 1) == .suspendReading)
        #expect(machine.afterTakeoverOutput(output: 10) == .resumeReading)
        #expect(machine.evictableSince(input: 0, output: 0) == nil, "never evicted as idle")
        #expect(machine.shutdownRequested(input: 0, output: 0) == .shutDownTakeover)
        #expect(machine.closeRequested(.lingering, output: 0) == .flush)
        #expect(machine.outputDrained(now: s) == .linger)
    }

    @Test func aTakeoverDuringShutdownIsToldToShutDown() {
        var machine = Machine(timeouts: HTTPTimeouts(), now: 0)
        machine.requestBytesBuffered(now: 1)
        #expect(machine.shutdownRequested(input: 24, output: 0) == .none, "a request is arriving")
        #expect(machine.takeOver() == .shutDownTakeover)
    }

    @Test func aTakenOverConnectionWhosePeerClosedClosesNow() {
        var machine = Machine(timeouts: HTTPTimeouts(), now: 0)
        _ = machine.takeOver()
        #expect(machine.peerDidClose(abandonedQueuedWork: false, output: 100) == .closeNow)
    }
}
