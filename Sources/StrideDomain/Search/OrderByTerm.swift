/// One `order_by` entry, `[entity.]key [ASC|DESC]`, read with the filter language's identifier
/// rules (backticks, double quotes, `entity.key.with.dots`). Ascending unless it says DESC.
struct OrderByTerm: Equatable {
    var entity: FilterEntity
    var key: String
    var ascending: Bool

    static func parse(_ clause: String) throws(StrideError) -> OrderByTerm {
        var tokens = try FilterLexer.tokenize(clause, maxLength: Limits.maxFilterLength)
        var ascending = true
        if let last = tokens.last, case .identifier(nil, let word) = last.kind, ["ASC", "DESC"].contains(word.uppercased()) {
            ascending = word.uppercased() == "ASC"
            tokens.removeLast()
        }
        guard tokens.count == 1, case .identifier(let prefix, let key) = tokens[0].kind else {
            throw .invalidParameter("Invalid order_by clause '\(clause)'.")
        }
        guard let prefix else { return OrderByTerm(entity: .attribute, key: key, ascending: ascending) }
        guard let entity = FilterEntity(prefix: prefix) else {
            throw .invalidParameter("Invalid order_by entity type '\(prefix)' in '\(clause)'.")
        }
        return OrderByTerm(entity: entity, key: key, ascending: ascending)
    }

    /// Refuses more `order_by` terms than ``Limits/maxOrderByTerms``.
    static func checkCount(_ clauses: [some Any]) throws(StrideError) {
        guard clauses.count <= Limits.maxOrderByTerms else {
            throw .invalidParameter(
                "Invalid order_by: \(clauses.count) terms is more than \(Limits.maxOrderByTerms) (the limit of order_by terms).")
        }
    }

    /// Parses every clause with `column` naming (or refusing) each term's column; a column named
    /// twice is refused, as in MLflow.
    static func parseUnique<Column: Hashable>(
        _ clauses: [String], column: (OrderByTerm) throws(StrideError) -> Column
    ) throws(StrideError) -> [(column: Column, ascending: Bool)] {
        try checkCount(clauses)
        var seen = Set<Column>()
        var orders: [(column: Column, ascending: Bool)] = []
        for clause in clauses {
            let term = try parse(clause)
            let named = try column(term)
            guard seen.insert(named).inserted else {
                throw .invalidParameter("`order_by` contains duplicate fields: \(clauses)")
            }
            orders.append((named, term.ascending))
        }
        return orders
    }
}
