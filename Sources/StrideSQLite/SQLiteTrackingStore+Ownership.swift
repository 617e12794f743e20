import GRDB
public import StrideDomain

/// Which project owns an id, for the service's project check on every id-based call.
extension SQLiteTrackingStore {
    public func projectOfExperiment(id: ExperimentID) async throws -> String? {
        try readNow { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT p.name FROM experiments e JOIN projects p USING (project_id) WHERE e.experiment_id = ?"),
                arguments: [id.value])
        }
    }

    public func projectOfRun(id: String) async throws -> String? {
        try readNow { db in
            try String.fetchOne(
                db.cachedStatement(sql: """
                    SELECT p.name FROM runs r JOIN experiments e USING (experiment_id) JOIN projects p USING (project_id)
                    WHERE r.run_uuid = ?
                    """),
                arguments: [id])
        }
    }
}
