@testable import HTTPServer
import Testing

/// The connection's timing rules with a fake clock: which deadline applies in each phase.
@Suite struct ConnectionStateMachineTests {
    let timeouts = HTTPTimeouts(requestHead: .seconds(1), requestBody: .seconds(2), idle: .seconds(3),
                                write: .seconds(4), lingeringClose: .seconds(5))
    let s: UInt64 = 1_000_000_000

    @Test func aSilentNewConnectionClosesAfterTheHeadTimeoutFromAccept() {
        var machine = ConnectionStateMachine(timeouts: timeouts, now: 10 * s)
        #expect(machine.nextTimeout()! == (11 * s, .idle))
        #expect(machine.idleSince == 10 * s)
        // Its first bytes do not restart the head timer: it has run since accept (issue #19, attack 5).
        machine.requestBytesBuffered(now: 10 * s + s / 2)
        #expect(machine.nextTimeout()! == (11 * s, .requestTimeout))
        #expect(machine.idleSince == nil)
    }

    @Test func idleConnectionClosesAfterTheIdleTimeout() {
        var machine = ConnectionStateMachine(timeouts: timeouts, now: 0)
        machine.requestComplete()
        machine.responseQueued(now: 10 * s)
        #expect(machine.nextTimeout()! == (13 * s, .idle))
        #expect(machine.idleSince == 10 * s)
    }

    @Test func headTimerStartsAtTheFirstByteAndIsNotExtendedByMore() {
        var machine = ConnectionStateMachine(timeouts: timeouts, now: 0)
        machine.requestComplete()
        machine.responseQueued(now: 0)
        machine.requestBytesBuffered(now: 5 * s)
        machine.requestBytesBuffered(now: 6 * s)  // Trickling bytes must not push the deadline (Slowloris).
        #expect(machine.nextTimeout()! == (6 * s, .requestTimeout))
    }

    @Test func bodyTimerStartsWhenTheHeadIsComplete() {
        var machine = ConnectionStateMachine(timeouts: timeouts, now: 0)
        machine.requestBytesBuffered(now: 1 * s)
        machine.headComplete(now: 2 * s)
        #expect(machine.nextTimeout()! == (4 * s, .requestTimeout))
    }

    @Test func noReadTimeoutWhileAWorkerHasTheRequest() {
        var machine = ConnectionStateMachine(timeouts: timeouts, now: 0)
        machine.requestBytesBuffered(now: 1 * s)
        machine.requestComplete()
        #expect(machine.nextTimeout() == nil)
        machine.responseQueued(now: 7 * s)
        #expect(machine.nextTimeout()! == (10 * s, .idle))
    }

    @Test func blockedWriteTakesPrecedenceUntilDrained() {
        var machine = ConnectionStateMachine(timeouts: timeouts, now: 0)
        machine.requestComplete()
        machine.responseQueued(now: 0)
        machine.writeBlocked(now: 1 * s)
        machine.writeBlocked(now: 2 * s)  // Still the first blocking time.
        #expect(machine.nextTimeout()! == (5 * s, .write))
        #expect(machine.idleSince == nil)  // Not idle while the client has a response to read.
        machine.writeDrained()
        #expect(machine.nextTimeout()! == (3 * s, .idle))
    }

    @Test func lingeringAndTakeoverAndClosed() {
        var machine = ConnectionStateMachine(timeouts: timeouts, now: 0)
        machine.startLingering(now: 1 * s)
        #expect(machine.nextTimeout()! == (6 * s, .lingering))
        machine.takeOver()
        #expect(machine.nextTimeout() == nil)
        machine.close()
        machine.startLingering(now: 2 * s)
        #expect(machine.phase == .closed)
    }
}
