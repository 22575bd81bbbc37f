/// Values and Jacobians at many points, in two contiguous row-major buffers: what a batch computes, without an
/// array per point. Encoders (JSON, base64) read the buffers directly.
public struct JacobianBatch: Sendable, Hashable {
    /// Number of points.
    public let count: Int
    /// Outputs per point (Jacobian rows).
    public let rows: Int
    /// Jacobian columns.
    public let columns: Int
    /// count × rows: point p's values are `values[p × rows ..< (p + 1) × rows]`.
    public var values: [Double]
    /// count × rows × columns: point p's Jacobian, row-major, starts at `p × rows × columns`.
    public var jacobians: [Double]

    /// A batch over existing buffers, whose sizes must match the shape.
    public init(count: Int, rows: Int, columns: Int, values: [Double], jacobians: [Double]) {
        precondition(values.count == count * rows && jacobians.count == count * rows * columns,
                     "buffers do not match the batch's shape")
        self.count = count
        self.rows = rows
        self.columns = columns
        self.values = values
        self.jacobians = jacobians
    }

    /// Point `index`'s values, without copying them.
    public func value(at index: Int) -> ArraySlice<Double> {
        values[(index * rows)..<((index + 1) * rows)]
    }

    /// Point `index`'s Jacobian row `row`, without copying it.
    public func jacobianRow(_ row: Int, at index: Int) -> ArraySlice<Double> {
        let start = (index * rows + row) * columns
        return jacobians[start..<(start + columns)]
    }

    /// Point `index`'s value and Jacobian as their own arrays.
    public func result(at index: Int) -> JacobianResult {
        let entries = rows * columns
        return JacobianResult(
            value: Array(value(at: index)),
            jacobian: Matrix(rows: rows, columns: columns,
                             storage: Array(jacobians[(index * entries)..<((index + 1) * entries)])))
    }

    /// Every point's result, in order.
    public var results: [JacobianResult] { (0..<count).map(result(at:)) }
}
