import Testing
@testable import JacobianAPI

@Suite struct FieldReaderTests {
    func reader(_ text: String, allowed: [String]) throws -> FieldReader {
        try FieldReader(try JSONParser().parse(Array(text.utf8)), at: "", allowed: allowed)
    }

    func problem(_ body: () throws -> Void) -> Problem? {
        do {
            try body()
            return nil
        } catch let problem as Problem {
            return problem
        } catch {
            return nil
        }
    }

    @Test func unknownFieldsAreRefusedWithASuggestion() {
        let found = problem { _ = try reader(#"{"pointt": [1]}"#, allowed: ["point", "points"]) }
        #expect(found?.errors.first?.pointer == "/pointt")
        #expect(found?.detail.contains("did you mean 'point'?") == true)
    }

    @Test func typeErrorsNameTheField() {
        let found = problem { _ = try reader(#"{"point": [1, "2"]}"#, allowed: ["point"]).numbers("point") }
        #expect(found?.kind == .invalidInput)
        #expect(found?.errors.first?.pointer == "/point/1")
        #expect(found?.detail.contains("must be a number, found a string") == true)
    }

    /// schemathesis (issue 12): `null` for an optional field was read as absent and got the default, though no
    /// field of openapi.yaml is nullable; now it is refused at its own pointer.
    @Test func nullForAnOptionalFieldIsRefusedNotTakenAsAbsent() throws {
        let r = try reader(#"{"damping": null}"#, allowed: ["damping", "tolerance"])
        #expect(r.has("damping") && !r.has("tolerance"))
        #expect(try r.number("tolerance", default: 0.5) == 0.5)
        let found = problem { _ = try r.number("damping", default: 0.5) }
        #expect(found?.errors.first?.pointer == "/damping")
        #expect(found?.detail.contains("found null") == true)
    }

    @Test func raggedRowsAreRefused() {
        let value = try! JSONParser().parse(Array("[[1, 2], [3]]".utf8))
        let found = problem { _ = try FieldReader.rows(value, at: "/m") }
        #expect(found?.errors.first?.pointer == "/m/1")
    }

    @Test func integersMustBeWholeAndInRange() throws {
        let r = try reader(#"{"a": 2.5, "b": 20000, "c": 7}"#, allowed: ["a", "b", "c"])
        #expect(problem { _ = try r.integer("a", default: 1, in: 1...100) }?.detail.contains("integer") == true)
        #expect(problem { _ = try r.integer("b", default: 1, in: 1...100, limitName: "maxIterations") }?.detail
            .contains("maxIterations") == true)
        #expect(try r.integer("c", default: 1, in: 1...100) == 7)
        #expect(try r.integer("missing", default: 1, in: 1...100) == 1)
    }

    @Test func choicesListTheAcceptedValues() {
        enum Mode: String { case auto, forward, reverse }
        let found = problem {
            _ = try reader(#"{"mode": "forwrd"}"#, allowed: ["mode"]).choice("mode", default: Mode.auto, among: [.auto, .forward, .reverse])
        }
        #expect(found?.errors.first?.pointer == "/mode")
        #expect(found?.detail.contains("'auto', 'forward', 'reverse'") == true)
        #expect(found?.detail.contains("did you mean 'forward'") == true)
    }

    @Test func pointersEscapeTildeAndSlash() {
        #expect(JSONPointer.appending("/constants", "a/b~c") == "/constants/a~1b~0c")
    }
}
