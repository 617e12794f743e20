import Foundation
import GRDB
public import StrideDomain
public import StrideStore

/// An MLflow tracking database in SQLite, opened read-only; ``MLflowSchemaReader`` reads MLflow's
/// tables through it.
///
/// Opening checks, before anything is imported, that the file is a whole SQLite database (its
/// header's page count against its size: a truncated copy is refused), that it has MLflow's
/// `alembic_version`, and that the revision is one ``MLflowSchemaRevision`` knows.
public final class MLflowSQLiteSource: MLflowDatabase {
    let queue: DatabaseQueue
    public let schema: MLflowSchemaRevision
    public let path: String

    private init(queue: DatabaseQueue, schema: MLflowSchemaRevision, path: String) {
        self.queue = queue
        self.schema = schema
        self.path = path
    }

    /// Opens the database at `path`, or says in words why it is not one Stride can import.
    public static func open(path: String) throws -> MLflowSQLiteSource {
        try SQLiteFileCheck.requireWholeDatabase(at: path)
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "mlflow-source"
        let queue: DatabaseQueue
        let revision: String
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            revision = try queue.read { db -> String in
                guard try db.tableExists("alembic_version"), try db.tableExists("runs"), try db.tableExists("experiments") else {
                    throw MLflowSourceFailure("\(path) is an SQLite database but not MLflow's: it has no alembic_version, experiments or runs table.")
                }
                guard let revision = try String.fetchOne(db, sql: "SELECT version_num FROM alembic_version") else {
                    throw MLflowSourceFailure("\(path) records no MLflow schema revision (its alembic_version table is empty).")
                }
                return revision
            }
        } catch let failure as MLflowSourceFailure {
            throw failure
        } catch let error as DatabaseError {
            throw MLflowSourceFailure("\(path) cannot be read as an MLflow database: \(error.message ?? "SQLite error \(error.resultCode)").")
        }
        switch MLflowSchemaRevision.supported(revision) {
        case .success(let schema): return MLflowSQLiteSource(queue: queue, schema: schema, path: path)
        case .failure(let failure): throw failure
        }
    }

    public func close() throws {
        try queue.close()
    }

    /// Runs a read, turning SQLite's failures (a page that turns out damaged) into words.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await queue.read(body)
        } catch let error as DatabaseError {
            throw MLflowSourceFailure("Reading \(path) failed: \(error.message ?? "SQLite error \(error.resultCode)").")
        }
    }

    // MARK: MLflowDatabase

    public let inList = " IN (SELECT value FROM json_each(?))"

    public func rows(_ statements: [String], ids: [String]?) async throws -> [[MLflowRow]] {
        let list = ids.map { JSONText.array($0) }
        return try await read { db in
            try statements.map { sql in
                try Row.fetchAll(db, sql: sql, arguments: list.map { [$0] } ?? []).map { row in
                    MLflowRow(row.databaseValues.map { value in
                        switch value.storage {
                        case .null, .blob: .null
                        case .int64(let number): .integer(number)
                        case .double(let number): .real(number)
                        case .string(let text): .text(text)
                        }
                    })
                }
            }
        }
    }

    /// Pages by rowid, MLflow's insertion order, through one cached statement: the import's hot loop.
    public func metricHistory(runID: String, after position: Int64?, limit: Int) async throws -> (points: [Metric], next: Int64?) {
        try await read { db in
            var points: [Metric] = []
            points.reserveCapacity(min(limit, 100_000))
            var last: Int64 = position ?? -1
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT rowid, key, value, timestamp, step, is_nan FROM metrics
                    WHERE run_uuid = ? AND rowid > ? ORDER BY rowid LIMIT ?
                    """),
                arguments: [runID, position ?? -1, limit])
            while let row = try rows.next() {
                last = row[0]
                points.append(Metric(
                    key: row[1], value: mlflowMetricValue(row[2], isNaN: row[5]), timestamp: (row[3] as Int64?) ?? 0, step: (row[4] as Int64?) ?? 0))
            }
            return (points, points.count == limit ? last : nil)
        }
    }
}
