/// A boolean combination of filter clauses.
///
/// MLflow's language is a flat conjunction; Stride also accepts `OR`, `NOT` and parentheses,
/// which its users have asked for since 2021. A flat MLflow filter is an `.all` of clauses.
///
/// Trees come only from ``FilterParser``, whose depth limit (``Limits/maxFilterDepth``) bounds
/// every recursive walk over them: the ones here, prompt-clause rewriting and SQL generation.
public indirect enum FilterTree<Clause: Sendable & Hashable>: Sendable, Hashable {
    case clause(Clause)
    /// Every child holds; an empty list holds for every row.
    case all([FilterTree])
    /// At least one child holds.
    case any([FilterTree])
    case not(FilterTree)

    /// The filter that matches everything (an empty filter string).
    public static var matchAll: FilterTree { .all([]) }

    /// The clauses every match must satisfy: those joined by the top-level `AND`s. A planner may
    /// rely on them (a required `metrics.loss < 1` means every match has a loss).
    public var requiredClauses: [Clause] {
        switch self {
        case .clause(let clause): [clause]
        case .all(let children): children.flatMap(\.requiredClauses)
        case .any, .not: []
        }
    }

    /// Every clause, wherever it sits.
    public var clauses: [Clause] {
        switch self {
        case .clause(let clause): [clause]
        case .all(let children), .any(let children): children.flatMap(\.clauses)
        case .not(let child): child.clauses
        }
    }

    /// The same tree with each clause transformed (validated) by `transform`.
    public func map<Other>(_ transform: (Clause) throws(StrideError) -> Other) throws(StrideError) -> FilterTree<Other> {
        switch self {
        case .clause(let clause):
            return .clause(try transform(clause))
        case .all(let children):
            return .all(try children.map { (child) throws(StrideError) in try child.map(transform) })
        case .any(let children):
            return .any(try children.map { (child) throws(StrideError) in try child.map(transform) })
        case .not(let child):
            return .not(try child.map(transform))
        }
    }
}
