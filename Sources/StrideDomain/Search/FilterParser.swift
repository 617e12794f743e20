/// Parses the search filter language into a ``FilterTree`` of comparisons.
///
/// MLflow's grammar is comparisons joined by `AND` (a trailing `AND` is tolerated). Stride adds
/// `OR`, `NOT` and parentheses with the usual precedence: `NOT` binds tightest, then `AND`, then
/// `OR`. Each search (runs, experiments, models) then checks which entities, keys and operators
/// it allows. Errors name the 0-based character position of the problem.
///
/// Every filter is held to the limits in ``Limits`` (length, nesting depth, clauses, values):
/// the recursion here, every walk over the tree and the SQL a store makes of it are bounded by
/// them, and a filter beyond one is refused with a message naming it.
public struct FilterParser {
    private let tokens: [FilterToken]
    private var cursor = 0
    private var depth = 0
    private var clauseCount = 0
    private var valueCount = 0
    private let scopedPrefixes: Set<String>

    private init(tokens: [FilterToken], scopedPrefixes: Set<String>) {
        self.tokens = tokens
        self.scopedPrefixes = scopedPrefixes
    }

    /// `scopedPrefixes` are extra entity prefixes one search takes (trace search: `span`,
    /// `feedback`, `expectation`); such an identifier comes back as an attribute whose key keeps
    /// the lowercased prefix (`span.name`), for that search to interpret.
    public static func parse(_ filter: String, scopedPrefixes: Set<String> = []) throws(StrideError) -> FilterTree<FilterComparison> {
        let tokens = try FilterLexer.tokenize(filter, maxLength: Limits.maxFilterLength)
        guard !tokens.isEmpty else { return .matchAll }
        var parser = FilterParser(tokens: tokens, scopedPrefixes: scopedPrefixes)
        let tree = try parser.parseDisjunction()
        if parser.cursor < tokens.count {
            throw invalidClause(tokens[parser.cursor])
        }
        // A flat MLflow filter always comes back as a conjunction, even with one clause.
        if case .clause = tree { return .all([tree]) }
        return tree
    }

    private mutating func parseDisjunction() throws(StrideError) -> FilterTree<FilterComparison> {
        var children = [try parseConjunction()]
        while cursor < tokens.count, tokens[cursor].kind == .keyword("OR") {
            let orToken = tokens[cursor]
            cursor += 1
            guard cursor < tokens.count else {
                throw .invalidParameter("Invalid filter: expected a condition after 'OR' at position \(orToken.offset).")
            }
            children.append(try parseConjunction())
        }
        return children.count == 1 ? children[0] : .any(children)
    }

    private mutating func parseConjunction() throws(StrideError) -> FilterTree<FilterComparison> {
        var children = [try parseUnary()]
        while cursor < tokens.count, tokens[cursor].kind == .keyword("AND") {
            cursor += 1
            // MLflow tolerates a trailing AND.
            guard cursor < tokens.count else { break }
            children.append(try parseUnary())
        }
        let flattened = children.flatMap { child -> [FilterTree<FilterComparison>] in
            if case .all(let grandchildren) = child { return grandchildren }
            return [child]
        }
        return flattened.count == 1 ? flattened[0] : .all(flattened)
    }

    private mutating func parseUnary() throws(StrideError) -> FilterTree<FilterComparison> {
        let token = tokens[cursor]
        switch token.kind {
        case .keyword("NOT"):
            cursor += 1
            guard cursor < tokens.count else {
                throw .invalidParameter("Invalid filter: expected a condition after 'NOT' at position \(token.offset).")
            }
            try enterNesting(at: token)
            defer { depth -= 1 }
            return .not(try parseUnary())
        case .leftParen:
            cursor += 1
            guard cursor < tokens.count else {
                throw .invalidParameter("Invalid filter: '(' at position \(token.offset) is never closed.")
            }
            try enterNesting(at: token)
            defer { depth -= 1 }
            let inner = try parseDisjunction()
            guard cursor < tokens.count else {
                throw .invalidParameter("Invalid filter: '(' at position \(token.offset) is never closed.")
            }
            guard tokens[cursor].kind == .rightParen else {
                throw Self.invalidClause(tokens[cursor])
            }
            cursor += 1
            return inner
        default:
            clauseCount += 1
            guard clauseCount <= Limits.maxFilterClauses else {
                throw .invalidParameter(
                    "Invalid filter: more than \(Limits.maxFilterClauses) comparisons (the limit of comparisons in a filter) at position \(token.offset).")
            }
            return .clause(try parseComparison())
        }
    }

    /// One level deeper into `NOT` or parentheses, refused beyond the depth limit.
    private mutating func enterNesting(at token: FilterToken) throws(StrideError) {
        depth += 1
        guard depth <= Limits.maxFilterDepth else {
            throw .invalidParameter(
                "Invalid filter: 'NOT' and parentheses nest deeper than \(Limits.maxFilterDepth) (the filter nesting depth limit) at position \(token.offset).")
        }
    }

    /// Counts values (each list item too) against the limit.
    private mutating func countValues(_ count: Int, at token: FilterToken) throws(StrideError) {
        valueCount += count
        guard valueCount <= Limits.maxFilterValues else {
            throw .invalidParameter(
                "Invalid filter: more than \(Limits.maxFilterValues) values (the limit of values in a filter, IN-list items included) at position \(token.offset).")
        }
    }

    private mutating func parseComparison() throws(StrideError) -> FilterComparison {
        let first = tokens[cursor]
        let prefix: String?
        let key: String
        switch first.kind {
        case .identifier(let entity, let name):
            (prefix, key) = (entity, name)
        case .string(let name) where first.isDoubleQuoted:
            // `"run name" = 'x'`: a double-quoted attribute name.
            (prefix, key) = (nil, name)
        default:
            throw .invalidParameter("Invalid filter: expected an identifier at position \(first.offset).")
        }
        let entity: FilterEntity
        let name: String
        if let prefix, scopedPrefixes.contains(prefix.lowercased()) {
            entity = .attribute
            name = "\(prefix.lowercased()).\(key)"
        } else if let prefix {
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
        case .string(let text):
            try countValues(1, at: valueToken)
            value = .string(text)
        case .number(let number):
            try countValues(1, at: valueToken)
            value = .number(number)
        case .leftParen:
            var items: [String] = []
            while true {
                guard cursor < tokens.count, case .string(let item) = tokens[cursor].kind else {
                    throw .invalidParameter(
                        "Invalid filter: a list must hold quoted strings separated by commas (position \(valueToken.offset)).")
                }
                try countValues(1, at: tokens[cursor])
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

    private static func invalidClause(_ token: FilterToken) -> StrideError {
        let word: String
        switch token.kind {
        case .keyword(let keyword): word = keyword
        case .identifier(let entity, let key): word = entity.map { "\($0).\(key)" } ?? key
        case .leftParen: word = "("
        case .rightParen: word = ")"
        case .comma: word = ","
        case .comparison(let symbol): word = symbol
        case .string(let text): word = text
        case .number(let number): word = String(number)
        }
        return .invalidParameter("Invalid clause(s) in filter string: '\(word)' at position \(token.offset).")
    }
}
