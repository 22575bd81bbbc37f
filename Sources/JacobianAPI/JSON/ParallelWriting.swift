import Dispatch
import Foundation
import Synchronization

/// Writes the elements of a long array on every core, in order: each core writes a contiguous chunk into its own
/// writer, and the chunks are joined. Turning doubles into shortest decimal text is most of the cost of a large
/// batch's answer, and it parallelises perfectly. Short arrays are written on the calling thread.
func writeInParallel<Item: Sendable>(
    _ items: [Item], into writer: inout JSONWriter, bytesPerItem: Int,
    element: (Item, inout JSONWriter) throws(Problem) -> Void
) throws(Problem) {
    let minimumChunk = 2048
    let chunkCount = min(ProcessInfo.processInfo.activeProcessorCount, items.count / minimumChunk)
    guard chunkCount > 1 else {
        for item in items { try element(item, &writer) }
        return
    }
    let chunkSize = (items.count + chunkCount - 1) / chunkCount
    let chunks = Mutex([JSONWriter?](repeating: nil, count: chunkCount))
    let failure = Mutex<Problem?>(nil)
    withoutActuallyEscaping(element) { element in
        let shared = UncheckedSendable(element)
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let range = (chunk * chunkSize)..<min(items.count, (chunk + 1) * chunkSize)
            var part = JSONWriter.elements(capacity: range.count * bytesPerItem)
            do throws(Problem) {
                for index in range { try shared.value(items[index], &part) }
            } catch {
                failure.withLock { $0 = $0 ?? error }
                return
            }
            chunks.withLock { $0[chunk] = part }
        }
    }
    if let problem = failure.withLock({ $0 }) { throw problem }
    for part in chunks.withLock({ $0 }) { writer.appendElements(of: part!) }
}

/// A value used from the threads of one `concurrentPerform` that only read it; the closures passed here read
/// captured state and write only to their own `JSONWriter`.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
