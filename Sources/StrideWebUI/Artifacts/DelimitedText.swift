/// Reads the head of a CSV or TSV file into rows, with quoted fields that may hold delimiters,
/// doubled quotes and line breaks.
enum DelimitedText {
    /// At most `limit` rows; a last line cut off by a capped read is left out when `complete` is false.
    static func rows(_ text: String, delimiter: Character, limit: Int, complete: Bool) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var characters = text.makeIterator()
        while let character = characters.next() {
            if quoted {
                if character == "\"" {
                    quoted = false
                    afterQuote = true
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where afterQuote:
                field.append("\"")
                quoted = true
                afterQuote = false
            case "\"" where field.isEmpty:
                quoted = true
            case delimiter:
                row.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n":
                row.append(field)
                rows.append(row)
                if rows.count == limit { return rows }
                row = []
                field = ""
                afterQuote = false
            case "\r":
                continue
            default:
                field.append(character)
                afterQuote = false
            }
        }
        if complete, !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
