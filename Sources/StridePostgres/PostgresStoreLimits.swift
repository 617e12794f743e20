import StrideDomain

// The PostgreSQL store's in-process caches, beside `Limits.maxCachedRunExperiments`. Kept in this
// module for now so that changing them rebuilds only the PostgreSQL store; they belong in
// `Limits.swift` and move there when this branch merges.
extension Limits {
    /// Experiments whose artifact location the PostgreSQL store remembers for one-statement create-run; the map is cleared at this size.
    static let maxCachedExperimentLocations = 10_000
    /// Distinct statement shapes the PostgreSQL store prepares by name on each connection; further shapes are sent unnamed.
    static let maxReusedStatementShapes = 256
}
