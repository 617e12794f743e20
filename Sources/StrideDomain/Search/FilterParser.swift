/// Parses MLflow's search filter language: comparisons joined by `AND`.
///
/// The result is a flat conjunction; each search (runs, experiments, models) then checks which
/// entities, keys and operators it allows.
public enum FilterParser {
    public static func parse(_ filter: String) throws(StrideError) -> [FilterComparison] {
        let tokens = try FilterLexer.tokenize(filter)
        var cursor = 0
        var clauses: [FilterComparison] = []
        while cursor < tokens.count {
            clauses.append(try parseComparison(tokens, &cursor))
            guard cursor < tokens.count else { break }
            let token = tokens[cursor]
            guard token.kind == .keyword("AND") else {
                throw invalidClause(token, in: filter)
            }
            cursor += 1
        }
        return clauses
    }

    private static func parseComparison(_ tokens: [FilterToken], _ cursor: inout Int) throws(StrideError) -> FilterComparison {
        let first = tokens[cursor]
        guard case .identifier(let prefix, let key) = first.kind else {
            throw .invalidParameter("Invalid filter: expected an identifier at position \(first.offset).")
        }
        let entity: FilterEntity
        let name: String
        if let prefix {
            guard let known = FilterEntity(prefix: prefix) else {
                throw .invalidParameter(
                    "Invalid entity type '\(prefix)'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset'] (at position \(first.offset)).")
            }
            entity = known
            name = key
        } else {
            entity = .attribute
            name = key
        }
        cursor += 1
        guard cursor < tokens.count else {
            throw .invalidParameter("Invalid filter: expected an operator after '\(name)' at position \(first.offset).")
        }
        let opToken = tokens[cursor]
        cursor += 1
        let op: FilterOperator
        switch opToken.kind {
        case .comparison(let symbol):
            guard let parsed = FilterOperator(rawValue: symbol) else {
                throw .invalidParameter("Invalid comparator '\(symbol)' at position \(opToken.offset).")
            }
            op = parsed
        case .keyword("LIKE"): op = .like
        case .keyword("ILIKE"): op = .iLike
        case .keyword("IN"): op = .in
        case .keyword("NOT"):
            guard cursor < tokens.count, tokens[cursor].kind == .keyword("IN") else {
                throw .invalidParameter("Invalid filter: expected 'IN' after 'NOT' at position \(opToken.offset).")
            }
            cursor += 1
            op = .notIn
        case .keyword("IS"):
            var negated = false
            if cursor < tokens.count, tokens[cursor].kind == .keyword("NOT") {
                negated = true
                cursor += 1
            }
            guard cursor < tokens.count, tokens[cursor].kind == .keyword("NULL") else {
                throw .invalidParameter("Invalid filter: expected 'NULL' after 'IS' at position \(opToken.offset).")
            }
            cursor += 1
            return FilterComparison(entity: entity, key: name, op: negated ? .isNotNull : .isNull, value: .none, offset: first.offset)
        default:
            throw .invalidParameter("Invalid filter: expected an operator at position \(opToken.offset).")
        }

        guard cursor < tokens.count else {
            throw .invalidParameter("Invalid filter: expected a value after '\(op.rawValue)' at position \(opToken.offset).")
        }
        let valueToken = tokens[cursor]
        cursor += 1
        let value: FilterValue
        switch valueToken.kind {
        case .string(let text): value = .string(text)
        case .number(let number): value = .number(number)
        case .leftParen:
            var items: [String] = []
            while true {
                guard cursor < tokens.count, case .string(let item) = tokens[cursor].kind else {
                    throw .invalidParameter(
                        "Invalid filter: a list must hold quoted strings separated by commas (position \(valueToken.offset)).")
                }
                items.append(item)
                cursor += 1
                guard cursor < tokens.count else {
                    throw .invalidParameter("Invalid filter: unclosed list starting at position \(valueToken.offset).")
                }
                if tokens[cursor].kind == .rightParen {
                    cursor += 1
                    break
                }
                guard tokens[cursor].kind == .comma else {
                    throw .invalidParameter("Invalid filter: expected ',' or ')' at position \(tokens[cursor].offset).")
                }
                cursor += 1
            }
            value = .list(items)
        case .identifier(nil, let bare):
            throw .invalidParameter(
                "Invalid filter: the value '\(bare)' at position \(valueToken.offset) must be a quoted string or a number.")
        default:
            throw .invalidParameter("Invalid filter: expected a value at position \(valueToken.offset).")
        }
        if (op == .in || op == .notIn) != (valueToken.kind == .leftParen) {
            throw .invalidParameter(
                "Invalid filter: '\(op.rawValue)' needs \(op == .in || op == .notIn ? "a parenthesised list" : "a single value") (position \(valueToken.offset)).")
        }
        return FilterComparison(entity: entity, key: name, op: op, value: value, offset: first.offset)
    }

    private static func invalidClause(_ token: FilterToken, in filter: String) -> StrideError {
        let word: String
        switch token.kind {
        case .keyword(let keyword): word = keyword
        case .identifier(let entity, let key): word = entity.map { "\($0).\(key)" } ?? key
        case .leftParen: word = "("
        case .rightParen: word = ")"
        default: word = "token"
        }
        return .invalidParameter("Invalid clause(s) in filter string: '\(word)' at position \(token.offset).")
    }
}
