import Foundation
import GRDB
public import StrideDomain
public import StrideService
public import StrideStore

/// An MLflow tracking database in SQLite, opened read-only and read straight from MLflow's tables.
///
/// Opening checks, before anything is imported, that the file is a whole SQLite database (its
/// header's page count against its size: a truncated copy is refused), that it has MLflow's
/// `alembic_version`, and that the revision is one ``MLflowSchemaRevision`` knows.
public final class MLflowSQLiteSource: MLflowSource {
    let queue: DatabaseQueue
    let schema: MLflowSchemaRevision
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

    // MARK: MLflowSource

    public func inventory() async throws -> SourceInventory {
        let schema = self.schema
        return try await read { db in
            func count(_ table: String, _ condition: String = "") throws -> Int {
                guard try db.tableExists(table) else { return 0 }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) \(condition)") ?? 0
            }
            var inventory = SourceInventory(schema: "\(schema.revision) (\(schema.releases))")
            inventory.experiments = try count("experiments")
            inventory.runs = try count("runs")
            inventory.metricPoints = try count("metrics")
            inventory.loggedModels = schema.hasLoggedModels ? try count("logged_models") : 0
            inventory.registeredModels = try count("registered_models")
            inventory.modelVersions = try count("model_versions")
            return inventory
        }
    }

    public func experiments() async throws -> [Experiment] {
        try await read { db in
            var tags: [Int64: [Tag]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT experiment_id, key, value FROM experiment_tags ORDER BY experiment_id, key") {
                tags[row[0], default: []].append(Tag(key: row[1], value: (row[2] as String?) ?? ""))
            }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time
                    FROM experiments ORDER BY experiment_id
                    """
            ).map { row in
                let id: Int64 = row[0]
                return Experiment(
                    id: ExperimentID(id), name: row[1], artifactLocation: (row[2] as String?) ?? "",
                    lifecycleStage: LifecycleStage(rawValue: (row[3] as String?) ?? "") ?? .active,
                    creationTime: (row[4] as Int64?) ?? 0, lastUpdateTime: (row[5] as Int64?) ?? (row[4] as Int64?) ?? 0, tags: tags[id] ?? [], project: "")
            }
        }
    }

    public func runList() async throws -> [SourceRunEntry] {
        try await read { db in
            var points: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT run_uuid, count(*) FROM metrics GROUP BY run_uuid") {
                points[row[0]] = row[1]
            }
            return try Row.fetchAll(db, sql: "SELECT run_uuid, experiment_id FROM runs ORDER BY experiment_id, start_time, run_uuid").map { row in
                let id: String = row[0]
                return SourceRunEntry(runID: id, experimentID: ExperimentID(row[1] as Int64), metricPoints: points[id] ?? 0)
            }
        }
    }

    public func runContents(ids: [String]) async throws -> [String: RunContents] {
        let schema = self.schema
        return try await read { db in
            let list = JSONText.array(ids)
            var contents: [String: RunContents] = [:]
            for id in ids { contents[id] = RunContents() }
            var counted: [(sql: String, field: WritableKeyPath<RunContents, Int>)] = [
                ("SELECT run_uuid, count(*) FROM params WHERE run_uuid IN (SELECT value FROM json_each(?)) GROUP BY run_uuid", \.params),
                ("SELECT run_uuid, count(*) FROM tags WHERE run_uuid IN (SELECT value FROM json_each(?)) GROUP BY run_uuid", \.tags),
                ("SELECT run_uuid, count(*) FROM metrics WHERE run_uuid IN (SELECT value FROM json_each(?)) GROUP BY run_uuid", \.metricPoints),
            ]
            if schema.hasDatasets {
                counted.append((
                    """
                    SELECT destination_id, count(DISTINCT source_id) FROM inputs
                    WHERE source_type = 'DATASET' AND destination_type = 'RUN' AND destination_id IN (SELECT value FROM json_each(?))
                    GROUP BY destination_id
                    """, \.inputs))
            }
            if schema.hasLoggedModels {
                counted.append((
                    """
                    SELECT source_id, count(*) FROM inputs
                    WHERE source_type = 'RUN_OUTPUT' AND destination_type = 'MODEL_OUTPUT' AND source_id IN (SELECT value FROM json_each(?))
                    GROUP BY source_id
                    """, \.outputs))
            }
            for (sql, field) in counted {
                for row in try Row.fetchAll(db, sql: sql, arguments: [list]) {
                    contents[row[0], default: RunContents()][keyPath: field] = row[1]
                }
            }
            return contents
        }
    }

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
                    key: row[1], value: Self.metricValue(row[2], isNaN: row[5]), timestamp: (row[3] as Int64?) ?? 0, step: (row[4] as Int64?) ?? 0))
            }
            return (points, points.count == limit ? last : nil)
        }
    }

    /// MLflow keeps NaN as a flag beside the value (which may be NULL).
    static func metricValue(_ value: Double?, isNaN: Bool?) -> Double {
        isNaN == true ? .nan : (value ?? .nan)
    }
}
