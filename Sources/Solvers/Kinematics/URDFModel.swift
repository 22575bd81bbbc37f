import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The links and joints of a URDF document, as read (no chain yet).
struct URDFModel {
    struct Joint {
        var name: String
        var type: String
        var line: Int
        var parent = ""
        var child = ""
        var origin = RigidTransform.identity
        var axis = [1.0, 0, 0]
        var limit: [Double]?

        var described: String { "joint '\(name)' (line \(line))" }
    }

    var links: Set<String> = []
    var linkOrder: [String] = []
    var joints: [Joint] = []
    /// The joint whose child each link is.
    var parentJoint: [String: Joint] = [:]

    init(parsing urdf: String) throws {
        // Both checks below look at the UTF-8 bytes libxml2 will read, not at Swift's characters: `String.contains`
        // compares grapheme clusters, and "<?" followed by a combining mark (U+0595) is "<" and one character "?\u{595}"
        // to it, while libxml2 reads a processing instruction whose target starts with U+0595 (FuzzURDF found this
        // way around the check below; Fuzz/Regressions/FuzzURDF/processing-instruction-behind-a-combining-mark).
        let bytes = Array(urdf.utf8)
        // A DTD could declare entities that expand without bound (the "billion laughs"); URDFs never need one.
        if Self.find("<!DOCTYPE", in: bytes) != nil || Self.find("<!ENTITY", in: bytes) != nil {
            throw SolverInputError(KinematicsInput.urdf, "a URDF with a DTD (<!DOCTYPE …>) is not accepted")
        }
        // swift-corelibs-foundation's XMLParser calls strlen on a processing instruction's data, which libxml2
        // passes as NULL for `<?target?>`: the process dies (found by FuzzURDF). URDFs need none; only the XML
        // declaration, which libxml2 reads itself and accepts only at the very start (after a byte order mark),
        // may open with "<?", and no other "<?" may follow, not even inside it: an unclosed declaration ends at
        // whatever "?>" comes next, so skipping to the first "?>" skipped a processing instruction before it
        // (found by FuzzURDF; Fuzz/Regressions/FuzzURDF/processing-instruction-inside-an-unclosed-declaration).
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let declared = bytes[start...].starts(with: Array("<?xml ".utf8))
        if Self.find("<?", in: bytes, from: declared ? start + 2 : 0) != nil {
            throw SolverInputError(KinematicsInput.urdf, "a URDF with a processing instruction (<?…?>) is not accepted")
        }
        let reader = URDFReader()
        let parser = XMLParser(data: Data(urdf.utf8))
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let parsed = parser.parse()
        if let error = reader.error { throw error }
        // swift-corelibs-foundation's parse() can return true after libxml2 reported an error (a mismatched or
        // unclosed tag): the reader keeps the first error, where it happened.
        if let failure = reader.syntaxError ?? (parsed ? nil : (parser.lineNumber, parser.columnNumber, parser.parserError)) {
            let code = (failure.2 as? NSError).flatMap { XMLParser.ErrorCode(rawValue: $0.code) }
            throw SolverInputError(KinematicsInput.urdf, "malformed XML at line \(failure.0), column \(failure.1)"
                + (code.map { " (\($0))" } ?? ""))
        }
        guard reader.sawRobot else { throw SolverInputError(KinematicsInput.urdf, "the document has no <robot> element") }
        links = reader.links
        linkOrder = reader.linkOrder
        joints = reader.joints
        for joint in joints {
            for (role, link) in [("parent", joint.parent), ("child", joint.child)] {
                if link.isEmpty {
                    throw SolverInputError(KinematicsInput.urdf, "\(joint.described) has no <\(role) link=\"…\">")
                }
                if !links.contains(link) {
                    throw SolverInputError(KinematicsInput.urdf, "\(joint.described): \(role) link '\(link)' is not declared")
                }
            }
            if let other = parentJoint[joint.child] {
                throw SolverInputError(KinematicsInput.urdf, "link '\(joint.child)' is the child of both \(other.described) and "
                    + "\(joint.described): the joints branch into a graph, not a tree")
            }
            parentJoint[joint.child] = joint
        }
    }
}

extension URDFModel {
    /// Where `pattern`'s bytes first occur in `bytes` at or after `start`. A plain loop over the buffer, comparing
    /// further only where the first byte matches: documents run to megabytes, and this runs three times per document.
    static func find(_ pattern: String, in bytes: [UInt8], from start: Int = 0) -> Int? {
        let pattern = Array(pattern.utf8)
        guard let first = pattern.first, start <= bytes.count - pattern.count else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            var index = start
            while index <= buffer.count - pattern.count {
                if buffer[index] == first && buffer[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
                index += 1
            }
            return nil
        }
    }
}

/// The `XMLParser` delegate: collects `<link>` and `<joint>` elements directly under `<robot>` and the elements of
/// each joint; stops at the first error.
private final class URDFReader: NSObject, XMLParserDelegate {
    var links: Set<String> = []
    var linkOrder: [String] = []
    var joints: [URDFModel.Joint] = []
    /// The joint names seen, so that a duplicate is found in constant time (a body may declare thousands).
    private var jointNames: Set<String> = []
    var sawRobot = false
    var error: SolverInputError<KinematicsInput>?
    /// The first syntax error libxml2 reported: line, column, error.
    var syntaxError: (Int, Int, Error?)?
    private var stack: [String] = []

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if syntaxError == nil { syntaxError = (parser.lineNumber, parser.columnNumber, parseError) }
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        defer { stack.append(name) }
        // The first syntax error ends the reading, here at the next element: XMLParser asks libxml2 to recover, so
        // it goes on reporting errors, and swift-corelibs-foundation's XMLParser leaks a string for each one
        // (scripts/lsan-suppressions.txt). Not in `parseErrorOccurred`: stopping libxml2 2.9 from inside its error
        // callback can crash it (on an encoding error xmlParseChunk goes on to use the input buffer the stop freed;
        // FuzzURDF, Fuzz/Regressions/FuzzURDF/stop-inside-encoding-error).
        guard syntaxError == nil else { return parser.abortParsing() }
        let line = parser.lineNumber
        func fail(_ message: String) {
            guard error == nil else { return }
            error = SolverInputError(KinematicsInput.urdf, message)
            parser.abortParsing()
        }
        if stack.isEmpty {
            if name != "robot" { fail("the root element is <\(name)> (line \(line)), expected <robot>") }
            sawRobot = true
            return
        }
        // <joint> also appears inside <transmission> and Gazebo tags: only the robot's own joints count.
        if stack == ["robot"] {
            switch name {
            case "link":
                guard let linkName = attributes["name"], !linkName.isEmpty else { return fail("a <link> (line \(line)) has no name") }
                guard links.insert(linkName).inserted else { return fail("link '\(linkName)' (line \(line)) is declared twice") }
                linkOrder.append(linkName)
            case "joint":
                guard let jointName = attributes["name"], !jointName.isEmpty else { return fail("a <joint> (line \(line)) has no name") }
                guard jointNames.insert(jointName).inserted else { return fail("joint '\(jointName)' (line \(line)) is declared twice") }
                guard let type = attributes["type"] else { return fail("joint '\(jointName)' (line \(line)) has no type") }
                joints.append(URDFModel.Joint(name: jointName, type: type, line: line))
            default:
                break
            }
            return
        }
        guard stack == ["robot", "joint"], !joints.isEmpty else { return }
        let described = joints[joints.count - 1].described
        do {
            switch name {
            case "parent": joints[joints.count - 1].parent = attributes["link"] ?? ""
            case "child": joints[joints.count - 1].child = attributes["link"] ?? ""
            case "origin":
                let xyz = try Self.numbers(attributes["xyz"], default: [0, 0, 0], what: "<origin xyz>", in: described)
                let rpy = try Self.numbers(attributes["rpy"], default: [0, 0, 0], what: "<origin rpy>", in: described)
                joints[joints.count - 1].origin = RigidTransform(xyz: xyz, rpy: rpy)
            case "axis":
                joints[joints.count - 1].axis = try Self.numbers(attributes["xyz"], default: [1, 0, 0], what: "<axis xyz>", in: described)
            case "limit":
                let lower = try Self.numbers(attributes["lower"], default: [0], count: 1, what: "<limit lower>", in: described)
                let upper = try Self.numbers(attributes["upper"], default: [0], count: 1, what: "<limit upper>", in: described)
                joints[joints.count - 1].limit = [lower[0], upper[0]]
            default:
                break
            }
        } catch let failure as SolverInputError<KinematicsInput> {
            fail(failure.message)
        } catch {
            fail("\(error)")
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }

    /// Space-separated numbers, finite and of kinematic magnitude.
    private static func numbers(_ text: String?, default fallback: [Double], count: Int = 3, what: String,
                                in described: String) throws -> [Double] {
        guard let text else { return fallback }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        let values = parts.compactMap { Double($0) }
        guard parts.count == count, values.count == count,
              values.allSatisfy({ abs($0) <= KinematicChain.magnitudeLimit }) else {
            throw SolverInputError(KinematicsInput.urdf, "\(described): \(what)=\"\(text.prefix(80))\" must be \(count) finite "
                + "number(s) of magnitude at most \(KinematicChain.magnitudeLimit)")
        }
        return values
    }
}
