/// One token of an expression, with the 1-based column (in Unicode scalars) where it starts.
struct Token: Sendable {
    enum Kind: Equatable, Sendable {
        case number(Double)
        case identifier(String)
        case plus, minus, star, slash, caret
        case leftParen, rightParen, leftBracket, rightBracket, comma
        case end
    }

    let kind: Kind
    let column: Int
    /// The token as written, for messages ("'*'", "number '2.5'").
    let text: String

    /// How messages name the token: "'*'", "'sin'", "the number 2.5", "the end of the expression".
    var quoted: String {
        switch kind {
        case .end: "the end of the expression"
        case .number: "the number \(text)"
        default: "'\(text)'"
        }
    }
}

/// Splits one expression into tokens. Columns count Unicode scalars from 1 at the start of the whole string (for a
/// definition, the whole "name = expression" text), so a column points at the same character in any editor that
/// counts code points.
///
/// Grammar of tokens: numbers `12`, `1.5`, `.5`, `1e-3`, `2.5E+10`; identifiers `[A-Za-z_][A-Za-z0-9_]*`; operators
/// `+ - * / ^ **` (`**` is a synonym of `^`); `( ) [ ] ,`; blanks (space, tab, newline) between tokens.
struct Lexer {
    let scalars: [Unicode.Scalar]
    let site: ExpressionSite

    /// Tokenizes `scalars[start...]`, ending with an `.end` token one column past the last character.
    func tokenize(from start: Int) throws(EngineError) -> [Token] {
        var tokens: [Token] = []
        var i = start
        while i < scalars.count {
            let c = scalars[i]
            let column = i + 1
            switch c {
            case " ", "\t", "\n", "\r":
                i += 1
                continue
            case "0"..."9", ".":
                let (token, next) = try number(at: i)
                tokens.append(token)
                i = next
                continue
            case "a"..."z", "A"..."Z", "_":
                var j = i + 1
                while j < scalars.count, Self.isIdentifierPart(scalars[j]) { j += 1 }
                let name = text(i, j)
                tokens.append(Token(kind: .identifier(name), column: column, text: name))
                i = j
                continue
            case "*" where i + 1 < scalars.count && scalars[i + 1] == "*":
                tokens.append(Token(kind: .caret, column: column, text: "**"))
                i += 2
                continue
            default:
                break
            }
            let kind: Token.Kind
            switch c {
            case "+": kind = .plus
            case "-": kind = .minus
            case "*": kind = .star
            case "/": kind = .slash
            case "^": kind = .caret
            case "(": kind = .leftParen
            case ")": kind = .rightParen
            case "[": kind = .leftBracket
            case "]": kind = .rightBracket
            case ",": kind = .comma
            default:
                let shown = c.isASCII && c.value >= 0x20 && c.value < 0x7F
                    ? "'\(c)'" : "'\(c)' (U+\(String(c.value, radix: 16, uppercase: true)))"
                throw error("unexpected character \(shown)", column: column)
            }
            tokens.append(Token(kind: kind, column: column, text: String(c)))
            i += 1
        }
        tokens.append(Token(kind: .end, column: scalars.count + 1, text: ""))
        return tokens
    }

    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "_": true
        default: false
        }
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private func text(_ from: Int, _ to: Int) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[from..<to])
        return result
    }

    /// Reads `digits [. digits] [e [+-] digits]` or `. digits [...]` starting at `start`.
    private func number(at start: Int) throws(EngineError) -> (Token, Int) {
        var j = start
        var digits = 0
        while j < scalars.count, Self.isDigit(scalars[j]) { j += 1; digits += 1 }
        if j < scalars.count, scalars[j] == "." {
            j += 1
            while j < scalars.count, Self.isDigit(scalars[j]) { j += 1; digits += 1 }
        }
        guard digits > 0 else { throw error("'.' must be part of a number such as 0.5", column: start + 1) }
        if j < scalars.count, scalars[j] == "e" || scalars[j] == "E" {
            var k = j + 1
            if k < scalars.count, scalars[k] == "+" || scalars[k] == "-" { k += 1 }
            let exponentStart = k
            while k < scalars.count, Self.isDigit(scalars[k]) { k += 1 }
            guard k > exponentStart else {
                throw error("malformed number '\(text(start, k))'", column: start + 1,
                            hint: "the exponent needs digits, as in 1e-3")
            }
            j = k
        }
        let written = text(start, j)
        if j < scalars.count, Self.isIdentifierPart(scalars[j]) || scalars[j] == "." {
            throw error("unexpected '\(scalars[j])' right after the number \(written)", column: j + 1,
                        hint: "write an operator such as '*' between a number and a name")
        }
        guard let value = Double(written), value.isFinite else {
            throw error("the number \(written) is too large for a double", column: start + 1)
        }
        return (Token(kind: .number(value), column: start + 1, text: written), j)
    }

    private func error(_ what: String, column: Int, hint: String? = nil) -> EngineError {
        EngineError(kind: .syntax, message: "\(what) in \(site.label) at column \(column)"
                    + (hint.map { "; \($0)" } ?? ""), pointer: site.pointer, column: column)
    }
}
