/// A bounded least-recently-used map with O(1) lookup, insertion and eviction: a dictionary from key to a slot in
/// an array of entries, and the entries threaded into a doubly linked list by slot index, most recent first.
///
/// Two bounds apply: at most `capacity` entries, and a total `cost` (a caller's estimate of each value's memory) of at
/// most `costCapacity`, so a few huge values cannot hold unbounded memory. A value costlier than `costCapacity` by
/// itself is not stored. Not thread-safe: `JacobianEngine` keeps it behind a mutex.
struct LRUCache<Key: Hashable, Value> {
    private struct Entry {
        var key: Key
        var value: Value
        var cost: Int
        var newer: Int?
        var older: Int?
    }

    /// Maximum number of entries; 0 disables the cache.
    let capacity: Int
    /// Maximum total cost of the entries.
    let costCapacity: Int
    /// Total cost of the entries held.
    private(set) var totalCost = 0

    private var slots: [Entry?] = []
    private var freeSlots: [Int] = []
    private var slotOfKey: [Key: Int] = [:]
    private var newest: Int?
    private var oldest: Int?

    /// An empty cache.
    init(capacity: Int, costCapacity: Int = .max) {
        precondition(capacity >= 0 && costCapacity >= 0, "cache capacities must not be negative")
        self.capacity = capacity
        self.costCapacity = costCapacity
    }

    /// Number of entries held.
    var count: Int { slotOfKey.count }

    /// The keys from most to least recently used.
    var keysByRecency: [Key] {
        var keys: [Key] = []
        var slot = newest
        while let current = slot {
            keys.append(slots[current]!.key)
            slot = slots[current]!.older
        }
        return keys
    }

    /// The value for `key`, leaving the order of use as it is; nil when absent.
    func peek(_ key: Key) -> Value? {
        slotOfKey[key].map { slots[$0]!.value }
    }

    /// The value for `key`, which becomes the most recently used; nil when absent.
    mutating func value(for key: Key) -> Value? {
        guard let slot = slotOfKey[key] else { return nil }
        moveToFront(slot)
        return slots[slot]!.value
    }

    /// Stores `value` for `key` as the most recently used entry, evicting the least recently used entries until
    /// both bounds hold. Returns the value now cached for `key`: an existing one is kept, so that callers racing to
    /// compile the same function all end up sharing one instance.
    @discardableResult
    mutating func insert(_ value: Value, for key: Key, cost: Int) -> Value {
        if let existing = self.value(for: key) { return existing }
        guard capacity > 0, cost <= costCapacity else { return value }
        while count >= capacity || totalCost > costCapacity - cost { removeOldest() }
        let entry = Entry(key: key, value: value, cost: cost, newer: nil, older: newest)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = entry
        } else {
            slot = slots.count
            slots.append(entry)
        }
        if let previous = newest { slots[previous]!.newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
        slotOfKey[key] = slot
        totalCost += cost
        return value
    }

    private mutating func removeOldest() {
        guard let slot = oldest else { return }
        unlink(slot)
        let entry = slots[slot]!
        slotOfKey[entry.key] = nil
        totalCost -= entry.cost
        slots[slot] = nil
        freeSlots.append(slot)
    }

    private mutating func moveToFront(_ slot: Int) {
        guard newest != slot else { return }
        unlink(slot)
        slots[slot]!.older = newest
        slots[slot]!.newer = nil
        if let previous = newest { slots[previous]!.newer = slot }
        newest = slot
        if oldest == nil { oldest = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let entry = slots[slot]!
        if let newer = entry.newer { slots[newer]!.older = entry.older } else { newest = entry.older }
        if let older = entry.older { slots[older]!.newer = entry.newer } else { oldest = entry.newer }
        slots[slot]!.newer = nil
        slots[slot]!.older = nil
    }
}
