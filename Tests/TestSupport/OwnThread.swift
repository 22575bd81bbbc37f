import Dispatch
import Foundation

/// Runs blocking work (a client waiting on a socket) on a thread of its own, inside `group`. Dispatch's global
/// queue would start threads for blocked work only slowly (and `concurrentPerform` runs only as many at once as
/// there are cores), delaying the test by seconds, or leaving some clients' connections silent for longer than a
/// server timeout.
public func onOwnThread(_ group: DispatchGroup, _ body: @escaping @Sendable () -> Void) {
    group.enter()
    let thread = Thread {
        body()
        group.leave()
    }
    thread.start()
}
