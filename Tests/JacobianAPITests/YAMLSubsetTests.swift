import Testing
@testable import JacobianAPI

/// The YAML subset /docs reads: each construct openapi.yaml uses, read as YAML 1.2 reads it, and what it refuses.
/// (scripts/browser-test.py also compares the rendered page with openapi.yaml read by PyYAML.)
@Suite struct YAMLSubsetTests {
    func parse(_ text: String) throws -> YAMLNode { try YAMLSubset.parse(text) }
    func plain(_ text: String) -> YAMLNode { .scalar(text, plain: true) }
    func quoted(_ text: String) -> YAMLNode { .scalar(text, plain: false) }

    @Test func blockMappingsAndSequences() throws {
        let node = try parse("""
            a: 1
            b:
              c: two words  # a comment
              d:
                - x
                - y: 1
                  z: 2
            e:
            - at the parent's indentation
            f:
            """)
        #expect(node == .mapping([
            YAMLEntry(key: "a", value: plain("1")),
            YAMLEntry(key: "b", value: .mapping([
                YAMLEntry(key: "c", value: plain("two words")),
                YAMLEntry(key: "d", value: .sequence([
                    plain("x"),
                    .mapping([YAMLEntry(key: "y", value: plain("1")), YAMLEntry(key: "z", value: plain("2"))]),
                ])),
            ])),
            YAMLEntry(key: "e", value: .sequence([plain("at the parent's indentation")])),
            YAMLEntry(key: "f", value: .null),
        ]))
    }

    @Test func quotedKeysAndScalars() throws {
        let node = try parse("""
            '200': 'it''s'
            "k": "tab\\tand \\u00e9 and \\"quotes\\""
            ref: '#/components/schemas/Vector'
            url: http://localhost:8080
            """)
        #expect(node["200"] == quoted("it's"))
        #expect(node["k"] == quoted("tab\tand é and \"quotes\""))
        #expect(node["ref"] == quoted("#/components/schemas/Vector"))
        #expect(node["url"] == plain("http://localhost:8080"))
    }

    @Test func scalarsFoldedOverLines() throws {
        let node = try parse("""
            plain: first line
              second line

              after an empty line
            single: 'one
              two'
            next: x
            """)
        #expect(node["plain"] == plain("first line second line\nafter an empty line"))
        #expect(node["single"] == quoted("one two"))
        #expect(node["next"] == plain("x"))
    }

    @Test func flowCollectionsOverSeveralLines() throws {
        let node = try parse("""
            inputs: [{name: x, size: 3}, y]
            required: [a, b,
                       c]
            pairs:
              - {point: [0.0, 0.0], value: [13.0, 2.0],
                 note: 'a, b'}
            """)
        #expect(node["inputs"] == .sequence([
            .mapping([YAMLEntry(key: "name", value: plain("x")), YAMLEntry(key: "size", value: plain("3"))]),
            plain("y"),
        ]))
        #expect(node["required"] == .sequence([plain("a"), plain("b"), plain("c")]))
        let pair = try #require(node["pairs"]?.items.first)
        #expect(pair["point"] == .sequence([plain("0.0"), plain("0.0")]))
        #expect(pair["note"] == quoted("a, b"))
    }

    @Test func literalAndFoldedBlockScalars() throws {
        let node = try parse("""
            literal: |
              line one
                indented

              line four
            folded: >
              a
              b

              c
            stripped: |-
              no newline
            kept: |+
              two newlines

            last: x
            """)
        #expect(node["literal"] == quoted("line one\n  indented\n\nline four\n"))
        #expect(node["folded"] == quoted("a b\nc\n"))
        #expect(node["stripped"] == quoted("no newline"))
        #expect(node["kept"] == quoted("two newlines\n\n"))
        #expect(node["last"] == plain("x"))
    }

    @Test func plainScalarsBecomeJSONAsYAML12Reads() throws {
        let node = try parse("a: [1, -2.5, 1.0e-9, true, null, '3', x1, .inf, 1.2.3]")
        #expect(PrettyJSON.compact(node.json) == #"{"a":[1,-2.5,1e-09,true,null,"3","x1",".inf","1.2.3"]}"#)
    }

    @Test(arguments: [
        ("a: &anchor 1", "anchors"),
        ("a: *alias", "anchors"),
        ("a: !tag 1", "tags"),
        ("a: 1\na: 2", "duplicate key"),
        ("a: [1, 2", "not closed"),
        ("a: 'open", "not closed"),
        ("a:\n  b: 1\n c: 2", "indentation"),
        ("a: 1\n   b: 2", "may not contain ': '"),
        ("a: b: c", "may not contain ': '"),
        ("? complex\n: key", "complex keys"),
    ])
    func refusesWhatItDoesNotRead(text: String, reason: String) {
        #expect {
            _ = try YAMLSubset.parse(text)
        } throws: { error in
            (error as? YAMLSubsetError)?.message.contains(reason) == true
        }
    }

    @Test func deepNestingIsRefusedNotRecursedWithoutBound() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: YAMLSubsetError.self) { _ = try YAMLSubset.parse("a: " + text) }
    }

    @Test func theServicesOwnDocumentIsInTheSubset() throws {
        let document = try parse(String(decoding: PackageResources.openapi_yaml, as: UTF8.self))
        #expect(document["openapi"]?.text?.hasPrefix("3.1") == true)
        let jacobian = try #require(document["paths"]?["/v1/jacobian"]?["post"])
        #expect(jacobian["operationId"] == plain("computeJacobian"))
        // A flow sequence over two lines, and a single-quoted scalar folded over two lines.
        let ik = try #require(document["components"]?["schemas"]?["IKResponse"])
        #expect(ik["required"]?.items.last == plain("trajectory"))
        let target = try #require(document["components"]?["schemas"]?["Target"]?["description"]?.text)
        #expect(target.contains("(an angle for planar arms"))
        // A literal block scalar keeps its line breaks.
        let description = try #require(document["info"]?["description"]?.text)
        #expect(description.contains("\n\n**Formats.**"))
    }
}
