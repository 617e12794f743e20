public import StrideDomain

/// The database under an MLflow tracking schema, as ``MLflowSchemaReader`` uses it: MLflow's tables
/// and columns are the same in SQLite and PostgreSQL, so one reader holds the statements and turns
/// rows into entities, and each database only runs statements and pages through a run's history.
public protocol MLflowDatabase: Sendable {
    /// The schema revision found when the database was opened.
    var schema: MLflowSchemaRevision { get }

    /// A condition that holds when the column before it is one of a list of texts bound as the
    /// statement's one argument: SQLite's ` IN (SELECT value FROM json_each(?))`, PostgreSQL's ` = ANY(?)`.
    var inList: String { get }

    /// Runs `statements` in one read that sees one state of the database, each with `ids` bound to
    /// its one placeholder when given; answers each statement's rows.
    func rows(_ statements: [String], ids: [String]?) async throws -> [[MLflowRow]]

    /// Up to `limit` points of a run's history after `position`, and the position to go on from.
    func metricHistory(runID: String, after position: Int64?, limit: Int) async throws -> (points: [Metric], next: Int64?)
}

/// One row of a statement, its columns read by position; NULL reads as nil.
public struct MLflowRow: Sendable {
    public enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case flag(Bool)
    }

    public var values: [Value]

    public init(_ values: [Value]) {
        self.values = values
    }

    public func text(_ column: Int) -> String? {
        if case .text(let value) = values[column] { return value }
        return nil
    }

    /// A text column MLflow declares NOT NULL, or whose NULL means empty.
    public func string(_ column: Int) -> String { text(column) ?? "" }

    public func integer(_ column: Int) -> Int64? {
        switch values[column] {
        case .integer(let value): value
        case .flag(let value): value ? 1 : 0
        default: nil
        }
    }

    public func real(_ column: Int) -> Double? {
        switch values[column] {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }

    /// A boolean column: PostgreSQL's boolean, SQLite's 0 or 1.
    public func flag(_ column: Int) -> Bool? {
        switch values[column] {
        case .flag(let value): value
        case .integer(let value): value != 0
        default: nil
        }
    }
}

/// MLflow keeps NaN as a flag beside the value (which may be NULL).
public func mlflowMetricValue(_ value: Double?, isNaN: Bool?) -> Double {
    isNaN == true ? .nan : (value ?? .nan)
}
