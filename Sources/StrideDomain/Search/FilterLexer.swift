/// Splits a filter string into tokens: identifiers (bare, backticked or `entity."quoted key"`),
/// quoted strings, numbers, comparison operators, keywords and punctuation.
struct FilterLexer {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    static let keywords: Set<String> = ["AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL"]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// The tokens of `text`, refused when it is longer than `maxLength` characters.
    static func tokenize(_ text: String, maxLength: Int) throws(StrideError) -> [FilterToken] {
        var lexer = FilterLexer(text)
        guard lexer.scalars.count <= maxLength else {
            throw .invalidParameter(
                "Invalid filter: \(lexer.scalars.count) characters is longer than \(maxLength) (the filter length limit).")
        }
        var tokens: [FilterToken] = []
        while let token = try lexer.next() {
            tokens.append(token)
        }
        return tokens
    }

    mutating func next() throws(StrideError) -> FilterToken? {
        while position < scalars.count, scalars[position].properties.isWhitespace {
            position += 1
        }
        guard position < scalars.count else { return nil }
        let start = position
        let scalar = scalars[position]
        switch scalar {
        case "(":
            position += 1
            return FilterToken(kind: .leftParen, offset: start)
        case ")":
            position += 1
            return FilterToken(kind: .rightParen, offset: start)
        case ",":
            position += 1
            return FilterToken(kind: .comma, offset: start)
        case "'", "\"":
            return FilterToken(kind: .string(try readQuoted(closing: scalar)), offset: start, isDoubleQuoted: scalar == "\"")
        case "=", "!", "<", ">":
            return FilterToken(kind: .comparison(try readComparison()), offset: start)
        case "`":
            return FilterToken(kind: try readIdentifier(), offset: start)
        default:
            if isDigit(scalar) || (scalar == "-" || scalar == "+" || scalar == ".") && isDigit(peek(1)) {
                return FilterToken(kind: .number(try readNumber()), offset: start)
            }
            if isWordScalar(scalar) {
                return FilterToken(kind: try readIdentifier(), offset: start)
            }
            throw .invalidParameter("Invalid filter: unexpected character '\(scalar)' at position \(start).")
        }
    }

    private func peek(_ distance: Int) -> Unicode.Scalar? {
        let index = position + distance
        return index < scalars.count ? scalars[index] : nil
    }

    private func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("0"..."9").contains(scalar)
    }

    private func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "." || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private mutating func readQuoted(closing: Unicode.Scalar) throws(StrideError) -> String {
        let start = position
        position += 1
        var text = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            if scalar == "\\", position + 1 < scalars.count {
                text.append(scalars[position + 1])
                position += 2
                continue
            }
            if scalar == closing {
                // SQL style: a doubled quote stands for one quote character.
                if peek(1) == closing {
                    text.append(closing)
                    position += 2
                    continue
                }
                position += 1
                return String(text)
            }
            text.append(scalar)
            position += 1
        }
        throw .invalidParameter("Invalid filter: unterminated quoted text starting at position \(start).")
    }

    private mutating func readComparison() throws(StrideError) -> String {
        let start = position
        let first = scalars[position]
        position += 1
        if let second = peek(0), second == "=" || (first == "<" && second == ">") {
            position += 1
            let text = "\(first)\(second)"
            return text == "<>" ? "!=" : text
        }
        if first == "!" {
            throw .invalidParameter("Invalid filter: '!' must be followed by '=' at position \(start).")
        }
        return String(first)
    }

    private mutating func readNumber() throws(StrideError) -> Double {
        let start = position
        if scalars[position] == "-" || scalars[position] == "+" { position += 1 }
        while let scalar = peek(0), isDigit(scalar) || scalar == "." || scalar == "e" || scalar == "E"
            || ((scalar == "-" || scalar == "+") && (scalars[position - 1] == "e" || scalars[position - 1] == "E"))
        {
            position += 1
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        guard let value = Double(text) else {
            throw .invalidParameter("Invalid filter: '\(text)' at position \(start) is not a number.")
        }
        return value
    }

    /// Reads `word`, `` `quoted` ``, `entity.key`, `` entity.`key` ``, `entity."key"` or `` `entity`.key ``.
    private mutating func readIdentifier() throws(StrideError) -> FilterToken.Kind {
        let first: String
        let firstWasQuoted: Bool
        if scalars[position] == "`" {
            first = try readQuoted(closing: "`")
            firstWasQuoted = true
        } else {
            let start = position
            while let scalar = peek(0), isWordScalar(scalar) { position += 1 }
            first = String(String.UnicodeScalarView(scalars[start..<position]))
            firstWasQuoted = false
        }

        if firstWasQuoted {
            guard peek(0) == "." else { return .identifier(entity: nil, key: first) }
            position += 1
            return .identifier(entity: first, key: try readKeyAfterDot())
        }
        if !firstWasQuoted, Self.keywords.contains(first.uppercased()) {
            return .keyword(first.uppercased())
        }
        guard let dot = first.firstIndex(of: ".") else { return .identifier(entity: nil, key: first) }
        let entity = String(first[..<dot])
        let rest = String(first[first.index(after: dot)...])
        if rest.isEmpty {
            return .identifier(entity: entity, key: try readKeyAfterDot())
        }
        return .identifier(entity: entity, key: rest)
    }

    private mutating func readKeyAfterDot() throws(StrideError) -> String {
        guard let scalar = peek(0) else {
            throw .invalidParameter("Invalid filter: a key must follow '.' at position \(position).")
        }
        if scalar == "`" || scalar == "\"" {
            return try readQuoted(closing: scalar)
        }
        let start = position
        while let next = peek(0), isWordScalar(next) { position += 1 }
        guard position > start else {
            throw .invalidParameter("Invalid filter: a key must follow '.' at position \(start).")
        }
        return String(String.UnicodeScalarView(scalars[start..<position]))
    }
}
