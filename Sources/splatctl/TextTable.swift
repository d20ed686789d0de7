/// A plain-text table: a header row and data rows, columns padded to their widest cell.
/// Numeric columns (`rightAligned`) line up on the right.
struct TextTable {
    /// Column titles.
    var header: [String]
    /// Indices of columns aligned to the right.
    var rightAligned: Set<Int> = []
    /// The data rows; short rows are padded with empty cells.
    var rows: [[String]] = []
    /// Characters before every line.
    var indent = ""

    init(_ header: [String], rightAligned: Set<Int> = [], indent: String = "") {
        self.header = header
        self.rightAligned = rightAligned
        self.indent = indent
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table as lines without trailing spaces; the header is followed by no rule.
    var lines: [String] {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        return all.map { row in
            var line = indent
            for i in 0..<columns {
                let cell = i < row.count ? row[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += rightAligned.contains(i) ? pad + cell : cell + pad
                if i < columns - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }

    /// The lines joined with newlines.
    var text: String { lines.joined(separator: "\n") }
}
