/// The small subset of Python literal syntax found in NPY headers: dicts, tuples, lists, strings,
/// integers, `True`, `False` and `None`.
enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(String, PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.none, .none): return true
        case (.tuple(let x), .tuple(let y)), (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// A parse failure with a short explanation.
    struct ParseError: Error {
        var message: String
    }

    /// Parses `text`, which must hold exactly one literal (surrounding whitespace allowed).
    static func parse(_ text: String) throws -> PythonLiteral {
        var parser = Parser(chars: Array(text.unicodeScalars))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.pos == parser.chars.count else { throw ParseError(message: "unexpected text after the literal") }
        return value
    }

    private struct Parser {
        let chars: [Unicode.Scalar]
        var pos = 0

        mutating func skipSpace() {
            while pos < chars.count, chars[pos] == " " || chars[pos] == "\t" || chars[pos] == "\n" || chars[pos] == "\r" {
                pos += 1
            }
        }

        mutating func value(depth: Int) throws -> PythonLiteral {
            guard depth < 32 else { throw ParseError(message: "nesting too deep") }
            skipSpace()
            guard pos < chars.count else { throw ParseError(message: "unexpected end") }
            switch chars[pos] {
            case "{":
                pos += 1
                var items: [(String, PythonLiteral)] = []
                while true {
                    skipSpace()
                    if pos < chars.count, chars[pos] == "}" { pos += 1; return .dict(items) }
                    guard case .string(let key) = try value(depth: depth + 1) else {
                        throw ParseError(message: "dict key is not a string")
                    }
                    skipSpace()
                    guard pos < chars.count, chars[pos] == ":" else { throw ParseError(message: "expected ':'") }
                    pos += 1
                    items.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard pos < chars.count else { throw ParseError(message: "unterminated dict") }
                    if chars[pos] == "," {
                        pos += 1
                    } else if chars[pos] != "}" {
                        throw ParseError(message: "expected ',' or '}'")
                    }
                }
            case "(", "[":
                let close: Unicode.Scalar = chars[pos] == "(" ? ")" : "]"
                let isTuple = chars[pos] == "("
                pos += 1
                var items: [PythonLiteral] = []
                var sawComma = false
                while true {
                    skipSpace()
                    if pos < chars.count, chars[pos] == close {
                        pos += 1
                        // `(x)` without a comma is just `x`.
                        if isTuple, items.count == 1, !sawComma { return items[0] }
                        return isTuple ? .tuple(items) : .list(items)
                    }
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard pos < chars.count else { throw ParseError(message: "unterminated sequence") }
                    if chars[pos] == "," { pos += 1; sawComma = true } else if chars[pos] != close {
                        throw ParseError(message: "expected ',' or '\(close)'")
                    }
                }
            case "'", "\"":
                let quote = chars[pos]
                pos += 1
                var s = String.UnicodeScalarView()
                while true {
                    guard pos < chars.count else { throw ParseError(message: "unterminated string") }
                    let c = chars[pos]
                    pos += 1
                    if c == quote { return .string(String(s)) }
                    if c == "\\" {
                        guard pos < chars.count else { throw ParseError(message: "unterminated string") }
                        let e = chars[pos]
                        pos += 1
                        switch e {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        case "r": s.append("\r")
                        case "0": s.append("\0")
                        default: s.append(e)
                        }
                    } else {
                        s.append(c)
                    }
                }
            default:
                let start = pos
                while pos < chars.count, chars[pos].properties.isAlphabetic || ("0"..."9").contains(chars[pos])
                        || chars[pos] == "-" || chars[pos] == "+" || chars[pos] == "_" {
                    pos += 1
                }
                let word = String(String.UnicodeScalarView(chars[start..<pos]))
                switch word {
                case "True": return .boolean(true)
                case "False": return .boolean(false)
                case "None": return .none
                default:
                    // Python 2 long suffix `3L` appears in old files.
                    let digits = word.hasSuffix("L") ? String(word.dropLast()) : word
                    guard !digits.isEmpty, let n = Int(digits) else {
                        throw ParseError(message: word.isEmpty ? "unexpected '\(chars[pos])'" : "unexpected '\(word)'")
                    }
                    return .integer(n)
                }
            }
        }
    }
}
