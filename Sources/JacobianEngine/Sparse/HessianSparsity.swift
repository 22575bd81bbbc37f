/// Where second derivatives can be nonzero, for all outputs together, and a colouring of its columns.
///
/// By forward-over-reverse, output r's Hessian is Σₖ āₖ · (second-order term of instruction k), and instruction k's
/// term couples the inputs its operands depend on: `D(a) × D(a)` through ∂²/∂a², `D(a) × D(b)` (and its mirror)
/// through ∂²/∂a∂b, `D(b) × D(b)` through ∂²/∂b². Linear operations (`+`, `−`, `min`, ...) add nothing, so
/// `Σ sin(x[i])·x[i+1]` has a tridiagonal Hessian: 3 colours, 3 Hessian–vector products for any n.
///
/// Tracing is bounded (`workBudget` operand visits and emitted pairs); past it the Hessian is treated as dense
/// (`pattern == nil`, one product per input), which is what such a Hessian is anyway.
struct HessianSparsity: Sendable {
    /// The union of every output's Hessian pattern (inputs × inputs, symmetric), or nil when treated as dense.
    let pattern: SparsityPattern?
    /// Colouring of `pattern`'s columns: one Hessian–vector product per colour recovers the whole Hessian.
    let coloring: ColumnColoring
    /// For each pattern entry (i, j), the index of its mirror (j, i), for symmetrising sparse Hessians.
    let mirrors: [Int]

    /// Bound on operand visits plus emitted index pairs (and so on the stored pattern, which a cached function
    /// keeps): 2M, about a 1400-input dense Hessian; denser ones gain nothing from a pattern.
    static let workBudget = 1 << 21

    init(instructions: [Instruction], inputCount: Int, constantCount: Int, workBudget: Int = Self.workBudget) {
        let firstInstructionRegister = inputCount + constantCount
        var work = 0
        var pairs = [[Int]](repeating: [], count: inputCount)
        var stamp = [Int32](repeating: -1, count: firstInstructionRegister + instructions.count)
        var query: Int32 = 0
        var stack: [Int] = []

        /// The inputs `register` depends on, or nil once the budget is spent.
        func dependencies(_ register: Int32) -> [Int]? {
            let register = Int(register)
            if register < inputCount { return [register] }
            if register < firstInstructionRegister { return [] }
            query += 1
            var found: [Int] = []
            stack.removeAll(keepingCapacity: true)
            stack.append(register)
            stamp[register] = query
            while let current = stack.popLast() {
                work += 1
                if work > workBudget { return nil }
                if current < inputCount {
                    found.append(current)
                    continue
                }
                let instruction = instructions[current - firstInstructionRegister]
                for (bit, operand) in [(Instruction.firstActive, instruction.first),
                                       (Instruction.secondActive, instruction.second)]
                where instruction.activity & bit != 0 && stamp[Int(operand)] != query {
                    stamp[Int(operand)] = query
                    stack.append(Int(operand))
                }
            }
            return found
        }

        /// Adds `rows × columns` (and, when `mirror`, `columns × rows`) to the pattern; false once over budget.
        func couple(_ rows: [Int], _ columns: [Int], mirror: Bool) -> Bool {
            work += rows.count * columns.count * (mirror ? 2 : 1)
            if work > workBudget { return false }
            for i in rows { pairs[i].append(contentsOf: columns) }
            if mirror { for j in columns { pairs[j].append(contentsOf: rows) } }
            return true
        }

        var traced = true
        for instruction in instructions where instruction.activity != 0 {
            let curvature = instruction.operation.curvature
            if curvature.isEmpty { continue }
            let firstActive = instruction.activity & Instruction.firstActive != 0
            let secondActive = instruction.activity & Instruction.secondActive != 0
            let a = firstActive ? dependencies(instruction.first) : []
            let b = secondActive ? dependencies(instruction.second) : []
            guard let a, let b else {
                traced = false
                break
            }
            if curvature.contains(.xx), firstActive, !couple(a, a, mirror: false) { traced = false; break }
            if curvature.contains(.xy), firstActive, secondActive, !couple(a, b, mirror: true) { traced = false; break }
            if curvature.contains(.yy), secondActive, !couple(b, b, mirror: false) { traced = false; break }
        }
        guard traced else {
            pattern = nil
            coloring = .identity(inputCount)
            mirrors = []
            return
        }
        var starts = [0]
        var columns: [Int] = []
        for i in 0..<inputCount {
            let row = Set(pairs[i]).sorted()
            columns.append(contentsOf: row)
            starts.append(columns.count)
        }
        let pattern = SparsityPattern(rows: inputCount, columns: inputCount, rowStarts: starts, columnIndices: columns)
        self.pattern = pattern
        coloring = ColumnColoring(columnsOf: pattern)
        mirrors = Self.mirrors(of: pattern)
    }

    /// For each entry (i, j) of a symmetric pattern, the index of (j, i): a binary search in row j's sorted columns.
    static func mirrors(of pattern: SparsityPattern) -> [Int] {
        var mirror = [Int](repeating: 0, count: pattern.nnz)
        for i in 0..<pattern.rows {
            for entry in pattern.rowStarts[i]..<pattern.rowStarts[i + 1] {
                let j = pattern.columnIndices[entry]
                var low = pattern.rowStarts[j], high = pattern.rowStarts[j + 1]
                while low < high {
                    let middle = (low + high) / 2
                    if pattern.columnIndices[middle] < i { low = middle + 1 } else { high = middle }
                }
                mirror[entry] = low
            }
        }
        return mirror
    }
}
