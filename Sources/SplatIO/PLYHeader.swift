import Foundation

/// The parsed header of a PLY file: its format line and element/property declarations.
///
/// Parsing checks the header's own structure only (magic line, one format line, known types,
/// `end_header`); what a reader makes of the declarations (which format it accepts, which
/// properties it requires) is the reader's business.
public struct PLYHeader: Sendable, Equatable {
    /// How a property stores its values.
    public enum PropertyKind: Sendable, Equatable {
        /// One value of the given type per element.
        case scalar(PLYScalarType)
        /// A count of type `count`, then that many values of type `item`.
        case list(count: PLYScalarType, item: PLYScalarType)
    }

    /// One `property` line.
    public struct Property: Sendable, Equatable {
        /// The property's name (`x`, `f_dc_0`, …).
        public var name: String
        /// Its storage.
        public var kind: PropertyKind

        /// Creates a property.
        public init(name: String, kind: PropertyKind) {
            self.name = name
            self.kind = kind
        }

        /// Creates a scalar property.
        public init(name: String, type: PLYScalarType) {
            self.init(name: name, kind: .scalar(type))
        }

        /// The scalar type, or `nil` for a list property.
        public var scalarType: PLYScalarType? {
            if case .scalar(let t) = kind { return t }
            return nil
        }
    }

    /// One `element` line and the properties declared after it.
    public struct Element: Sendable, Equatable {
        /// The element's name (`vertex`, `face`, …).
        public var name: String
        /// How many elements the body holds.
        public var count: Int
        /// The element's properties, in file order.
        public var properties: [Property]

        /// Creates an element.
        public init(name: String, count: Int, properties: [Property]) {
            self.name = name
            self.count = count
            self.properties = properties
        }

        /// Bytes per element in a binary body, or `nil` when a list property makes it variable.
        public var rowSize: Int? {
            var size = 0
            for p in properties {
                guard let t = p.scalarType else { return nil }
                size += t.byteSize
            }
            return size
        }

        /// The byte offset of a scalar property within one element, or `nil`.
        public func offset(of name: String) -> Int? {
            var offset = 0
            for p in properties {
                guard let t = p.scalarType else { return nil }
                if p.name == name { return offset }
                offset += t.byteSize
            }
            return nil
        }
    }

    /// Longest header accepted, in bytes (including the `end_header` line).
    public static let maximumLength = 65_536

    /// The format keyword: `binary_little_endian`, `binary_big_endian` or `ascii`.
    public var format: String
    /// The format version (`1.0`).
    public var version: String
    /// The `comment` lines' text.
    public var comments: [String]
    /// The elements in file order.
    public var elements: [Element]
    /// Length of the header in bytes, i.e. the offset of the body.
    public var byteCount: Int

    /// Creates a header. `byteCount` is the header's length when it was parsed from a file;
    /// ``serialized()`` ignores it.
    public init(format: String = "binary_little_endian", version: String = "1.0", comments: [String] = [],
                elements: [Element], byteCount: Int = 0) {
        self.format = format
        self.version = version
        self.comments = comments
        self.elements = elements
        self.byteCount = byteCount
    }

    /// The element with the given name, if declared.
    public func element(named name: String) -> Element? {
        elements.first { $0.name == name }
    }

    /// The header as text, ending with `end_header\n`.
    public func serialized() -> String {
        var s = "ply\nformat \(format) \(version)\n"
        for c in comments { s += "comment \(c)\n" }
        for e in elements {
            s += "element \(e.name) \(e.count)\n"
            for p in e.properties {
                switch p.kind {
                case .scalar(let t): s += "property \(t.plyName) \(p.name)\n"
                case .list(let c, let i): s += "property list \(c.plyName) \(i.plyName) \(p.name)\n"
                }
            }
        }
        return s + "end_header\n"
    }

    /// Parses the header at the start of `bytes`.
    ///
    /// - Parameter path: the file name used in errors.
    /// Errors name the line number and what was expected, never the file's text (a file that
    /// is not the client's must not be quoted back to it).
    /// - Throws: ``SplatIOError`` with reason `.notPLY`, `.headerTooLong`, `.truncated` (the data
    ///   ends inside the header) or `.malformedHeader`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> PLYHeader {
        func fail(_ reason: SplatIOError.Reason) -> SplatIOError { SplatIOError(path: path, reason: reason) }

        // Magic: "ply" followed by a line end.
        guard bytes.count >= 4, bytes[0] == 0x70, bytes[1] == 0x6C, bytes[2] == 0x79,
              bytes[3] == 0x0A || bytes[3] == 0x0D
        else {
            if bytes.count < 4, Array(bytes) == Array("ply\n".utf8.prefix(bytes.count)), !bytes.isEmpty {
                throw fail(.truncated("file ends inside the PLY header"))
            }
            throw fail(.notPLY)
        }

        let limit = min(bytes.count, maximumLength)
        var lines: [(number: Int, text: String)] = []
        var lineStart = 0
        var end: Int?
        var i = 0
        while i < limit {
            if bytes[i] == 0x0A {
                var lineEnd = i
                if lineEnd > lineStart, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]), as: UTF8.self)
                lines.append((lines.count + 1, text))
                lineStart = i + 1
                if text.trimmingCharacters(in: .whitespaces) == "end_header" {
                    end = i + 1
                    break
                }
            }
            i += 1
        }
        guard let byteCount = end else {
            if bytes.count < maximumLength { throw fail(.truncated("file ends inside the PLY header (no end_header)")) }
            throw fail(.headerTooLong(limit: maximumLength))
        }

        var format: String?
        var version = ""
        var comments: [String] = []
        var elements: [Element] = []
        for (number, text) in lines.dropFirst() {
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first else { continue }  // blank line
            switch keyword {
            case "comment":
                comments.append(text.drop(while: { $0 == " " || $0 == "\t" }).dropFirst("comment".count)
                    .trimmingCharacters(in: .whitespaces))
            case "obj_info":
                continue
            case "format":
                guard format == nil else { throw fail(.malformedHeader("line \(number): second format line")) }
                guard words.count == 3 else { throw fail(.malformedHeader("line \(number): expected 'format <type> <version>'")) }
                guard ["ascii", "binary_little_endian", "binary_big_endian"].contains(words[1]) else {
                    throw fail(.malformedHeader("line \(number): unknown format (expected ascii, binary_little_endian or binary_big_endian)"))
                }
                format = words[1]
                version = words[2]
            case "element":
                guard words.count == 3 else { throw fail(.malformedHeader("line \(number): expected 'element <name> <count>'")) }
                guard let count = Int(words[2]), count >= 0 else {
                    throw fail(.malformedHeader("line \(number): the element count is not a non-negative integer"))
                }
                guard !elements.contains(where: { $0.name == words[1] }) else {
                    throw fail(.malformedHeader("line \(number): an element is declared twice"))
                }
                elements.append(Element(name: words[1], count: count, properties: []))
            case "property":
                guard !elements.isEmpty else {
                    throw fail(.malformedHeader("line \(number): property before any element"))
                }
                let property: Property
                if words.count >= 2, words[1] == "list" {
                    guard words.count == 5 else {
                        throw fail(.malformedHeader("line \(number): expected 'property list <count type> <item type> <name>'"))
                    }
                    guard let c = PLYScalarType(plyName: words[2]), let t = PLYScalarType(plyName: words[3]) else {
                        throw fail(.malformedHeader("line \(number): unknown type in a 'property list' line"))
                    }
                    guard !c.isFloatingPoint else {
                        throw fail(.malformedHeader("line \(number): list count type must be an integer type"))
                    }
                    property = Property(name: words[4], kind: .list(count: c, item: t))
                } else {
                    guard words.count == 3 else {
                        throw fail(.malformedHeader("line \(number): expected 'property <type> <name>'"))
                    }
                    guard let t = PLYScalarType(plyName: words[1]) else {
                        throw fail(.malformedHeader("line \(number): unknown property type (expected char, uchar, short, ushort, int, uint, float, double or their sized names)"))
                    }
                    property = Property(name: words[2], type: t)
                }
                guard !elements[elements.count - 1].properties.contains(where: { $0.name == property.name }) else {
                    throw fail(.malformedHeader("line \(number): a property is declared twice"))
                }
                elements[elements.count - 1].properties.append(property)
            case "end_header":
                break
            default:
                throw fail(.malformedHeader("line \(number): unexpected line (expected format, element, property, comment, obj_info or end_header)"))
            }
        }
        guard let format else { throw fail(.malformedHeader("no format line")) }
        return PLYHeader(format: format, version: version, comments: comments, elements: elements, byteCount: byteCount)
    }
}
