import Synchronization

/// Arrays of doubles kept between the sweeps of model requests, so that a request's gradient buffers and convolution scratch
/// reuse memory the previous request allocated instead of asking the allocator for it again. (glibc hands blocks of
/// a few hundred kilobytes back to the kernel when they are freed and page-faults them in on the next request:
/// without this, a third of a LeNet Jacobian's time went to page faults and zero-filling fresh pages.)
///
/// Thread-safe: concurrent sweeps each take their own arrays. Holds at most `maxArrays` arrays and `maxElements`
/// elements, dropping what is given back beyond that, so an idle process keeps a bounded amount.
final class BufferPool: Sendable {
    /// The one pool of the process, for every model's sweeps and convolution scratch: 32 MiB at most, whatever the
    /// number of models held.
    static let shared = BufferPool(maxArrays: 128, maxElements: 1 << 22)

    private let spare = Mutex<(arrays: [[Double]], elements: Int)>(([], 0))
    let maxArrays: Int
    let maxElements: Int

    init(maxArrays: Int, maxElements: Int) {
        self.maxArrays = maxArrays
        self.maxElements = maxElements
    }

    /// An array of `count` zeros, reusing a spare array's memory when one is large enough.
    func zeros(_ count: Int) -> [Double] {
        var array = take(count)
        if array.capacity < count { return [Double](repeating: 0, count: count) }
        array.removeAll(keepingCapacity: true)
        array.append(contentsOf: repeatElement(0, count: count))
        return array
    }

    /// Scratch: an array of at least `count` elements whose values are unspecified.
    func scratch(_ count: Int) -> [Double] {
        let array = take(count)
        return array.count >= count ? array : [Double](repeating: 0, count: count)
    }

    /// The smallest spare array with room for `count` elements, or an empty array.
    private func take(_ count: Int) -> [Double] {
        spare.withLock { spare -> [Double] in
            var best: Int?
            for (index, array) in spare.arrays.enumerated() where array.capacity >= count {
                if best == nil || array.capacity < spare.arrays[best!].capacity { best = index }
            }
            guard let best else { return [] }
            spare.elements -= spare.arrays[best].capacity
            return spare.arrays.remove(at: best)
        }
    }

    /// Gives `array`'s memory back for later sweeps.
    func recycle(_ array: [Double]) {
        let capacity = array.capacity
        guard capacity > 0 else { return }
        spare.withLock { spare in
            guard spare.arrays.count < maxArrays, spare.elements + capacity <= maxElements else { return }
            spare.elements += capacity
            spare.arrays.append(array)
        }
    }
}
