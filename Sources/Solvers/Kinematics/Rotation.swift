#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A proper rotation of space, stored as a 3×3 matrix (row-major) whose columns are the rotated axes.
public struct Rotation: Hashable, Sendable {
    /// The nine entries row by row.
    public let entries: [Double]

    /// How far RᵀR may stray from I (largest entry) and det R from 1 for rows to count as a rotation: loose enough
    /// for matrices printed with 7 significant digits, tight enough to refuse a scaled or sheared matrix.
    public static let orthonormalityTolerance = 1e-6

    /// The identity rotation.
    public static let identity = Rotation(unchecked: [1, 0, 0, 0, 1, 0, 0, 0, 1])

    init(unchecked entries: [Double]) {
        self.entries = entries
    }

    /// The rotation with the given rows, after checking them.
    /// - Throws: ``SolverInputError`` of ``RotationInput`` unless `rows` is 3×3, finite, orthonormal within
    ///   ``orthonormalityTolerance`` and of determinant +1 (not a reflection).
    public init(rows: [[Double]]) throws {
        typealias Check = SolverInputError<RotationInput>
        guard rows.count == 3, rows.allSatisfy({ $0.count == 3 }) else {
            throw Check(.matrix, "a rotation matrix must be 3×3")
        }
        let flat = rows.flatMap { $0 }
        try Check.requireFinite(flat) { .matrixEntry(row: $0 / 3, column: $0 % 3) }
        var worst = 0.0
        for i in 0..<3 {
            for j in 0..<3 {
                var dot = 0.0
                for k in 0..<3 { dot += flat[3 * k + i] * flat[3 * k + j] }
                worst = max(worst, abs(dot - (i == j ? 1 : 0)))
            }
        }
        if worst > Self.orthonormalityTolerance {
            throw Check(.matrix, "the matrix is not orthonormal (RᵀR differs from I by \(worst))")
        }
        if Rotation(unchecked: flat).determinant < 0 {
            throw Check(.matrix, "the matrix is a reflection (determinant −1), not a rotation")
        }
        self.entries = flat
    }

    /// The rotation of a unit quaternion [w, x, y, z]; the quaternion is normalized first (any finite nonzero
    /// quaternion, however large or small its entries).
    /// - Throws: ``SolverInputError`` of ``RotationInput`` unless it has four finite entries, not all zero.
    public init(quaternion: [Double]) throws {
        typealias Check = SolverInputError<RotationInput>
        guard quaternion.count == 4 else {
            throw Check(.quaternion, "a quaternion has four entries [w, x, y, z], got \(quaternion.count)")
        }
        try Check.requireFinite(quaternion, at: RotationInput.quaternionComponent)
        // Divide by the largest magnitude first: the sum of squares of [1e308, 1e308, 1e308, 1e308] overflows to
        // infinity (and of [1e-200, …] underflows to 0), and q/∞ would be the zero quaternion, read as the identity.
        let largest = quaternion.reduce(0) { max($0, abs($1)) }
        guard largest > 0 else { throw Check(.quaternion, "the zero quaternion is not a rotation") }
        let scaled = quaternion.map { $0 / largest }
        let norm = LinearAlgebra.norm(scaled)
        let (w, x, y, z) = (scaled[0] / norm, scaled[1] / norm, scaled[2] / norm, scaled[3] / norm)
        entries = [
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
        ]
    }

    /// The rows as nested arrays, for JSON.
    public var rows: [[Double]] { [Array(entries[0..<3]), Array(entries[3..<6]), Array(entries[6..<9])] }

    /// The rotation vector (axis·angle, angle in [0, π]) of this rotation: the logarithm map.
    public var rotationVector: [Double] {
        entries.withUnsafeBufferPointer { r in
            var v = (0.0, 0.0, 0.0)
            Self.logarithm(r.baseAddress!, into: &v)
            return [v.0, v.1, v.2]
        }
    }

    var determinant: Double {
        let r = entries
        return r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6])
    }

    /// The rotation vector of the row-major rotation `r`, through the quaternion (Shepperd's method), which
    /// stays accurate near angle 0 and angle π where the trace formula's arccos loses digits.
    static func logarithm(_ r: UnsafePointer<Double>, into v: inout (Double, Double, Double)) {
        let trace = r[0] + r[4] + r[8]
        var w: Double, x: Double, y: Double, z: Double
        if trace >= r[0], trace >= r[4], trace >= r[8] {
            let s = (1 + trace).squareRoot() * 2  // 4w
            (w, x, y, z) = (s / 4, (r[7] - r[5]) / s, (r[2] - r[6]) / s, (r[3] - r[1]) / s)
        } else if r[0] >= r[4], r[0] >= r[8] {
            let s = (1 + r[0] - r[4] - r[8]).squareRoot() * 2  // 4x
            (w, x, y, z) = ((r[7] - r[5]) / s, s / 4, (r[1] + r[3]) / s, (r[2] + r[6]) / s)
        } else if r[4] >= r[8] {
            let s = (1 + r[4] - r[0] - r[8]).squareRoot() * 2  // 4y
            (w, x, y, z) = ((r[2] - r[6]) / s, (r[1] + r[3]) / s, s / 4, (r[5] + r[7]) / s)
        } else {
            let s = (1 + r[8] - r[0] - r[4]).squareRoot() * 2  // 4z
            (w, x, y, z) = ((r[3] - r[1]) / s, (r[2] + r[6]) / s, (r[5] + r[7]) / s, s / 4)
        }
        if w < 0 { (w, x, y, z) = (-w, -x, -y, -z) }  // the shorter way round: angle ≤ π
        let sine = (x * x + y * y + z * z).squareRoot()
        let angle = 2 * atan2(sine, w)
        // angle/sine → 2/w as the rotation vanishes; w ≈ 1 there, so no division by zero.
        let scale = sine > 1e-300 ? angle / sine : 2 / w
        v = (x * scale, y * scale, z * scale)
    }
}
