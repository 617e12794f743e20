import GRDB
public import StrideDomain
public import StrideStore

extension SQLiteTrackingStore {
    /// Selects one page of run ids with every filter as an indexed `EXISTS` subquery and every
    /// order key as a `LEFT JOIN`, then loads exactly that page (``loadRuns(_:in:)``).
    public func searchRuns(_ query: RunQuery) async throws -> ResultPage<Run> {
        guard !query.experimentIDs.isEmpty else { return ResultPage(items: [], nextOffset: nil) }
        var joins: [String] = []
        var joinArguments: [DatabaseValue] = []
        var orderTerms: [String] = []
        for (index, order) in query.order.enumerated() {
            let direction = order.ascending ? "ASC" : "DESC"
            switch order.key {
            case .metric(let key):
                let alias = "om\(index)"
                joins.append(
                    "LEFT JOIN latest_metrics \(alias) ON \(alias).run_pk = r.run_pk AND \(alias).key_id = (SELECT key_id FROM metric_keys WHERE key = ?)")
                joinArguments.append(key.databaseValue)
                // Present values first, then NaN, then runs without the metric, in either direction.
                orderTerms.append("CASE WHEN \(alias).run_pk IS NULL THEN 2 WHEN \(alias).is_nan = 1 THEN 1 ELSE 0 END ASC")
                orderTerms.append("\(alias).value \(direction)")
            case .param(let key), .tag(let key):
                let alias = "ok\(index)"
                let table = if case .param = order.key { "params" } else { "run_tags" }
                joins.append("LEFT JOIN \(table) \(alias) ON \(alias).run_pk = r.run_pk AND \(alias).key = ?")
                joinArguments.append(key.databaseValue)
                orderTerms.append("(\(alias).value IS NULL) ASC")
                orderTerms.append("\(alias).value \(direction)")
            case .attribute(let attribute):
                let column = Self.column(for: attribute)
                orderTerms.append("(\(column) IS NULL) ASC")
                orderTerms.append("\(column) \(direction)")
            }
        }
        if query.order.isEmpty {
            orderTerms.append("r.start_time DESC")
        }
        orderTerms.append("r.run_uuid ASC")

        var conditions = [
            "r.experiment_id IN (\(placeholders(query.experimentIDs.count)))",
            "r.lifecycle_stage IN (\(placeholders(query.viewType.stages.count)))",
        ]
        var arguments = joinArguments + query.experimentIDs.map(\.value.databaseValue) + query.viewType.stages.map(\.rawValue.databaseValue)
        for clause in query.filter {
            let (condition, clauseArguments) = Self.sql(for: clause)
            conditions.append(condition)
            arguments += clauseArguments
        }
        let sql = """
            SELECT r.run_pk, r.run_uuid, r.experiment_id, r.name, r.user_id, r.status, r.start_time, r.end_time,
                   r.artifact_uri, r.lifecycle_stage
            FROM runs r \(joins.joined(separator: " "))
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(orderTerms.joined(separator: ", "))
            LIMIT ? OFFSET ?
            """
        arguments += [(query.maxResults + 1).databaseValue, query.offset.databaseValue]
        let finalArguments = arguments
        return try readNow { db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(finalArguments))
            let hasMore = rows.count > query.maxResults
            let runs = try Self.loadRuns(Array(rows.prefix(query.maxResults)), in: db)
            return ResultPage(items: runs, nextOffset: hasMore ? query.offset + query.maxResults : nil)
        }
    }

    /// The SQL expression for an attribute; status is stored as its number and compared by name.
    private static func column(for attribute: RunAttribute) -> String {
        switch attribute {
        case .runID: "r.run_uuid"
        case .runName: "r.name"
        case .status:
            "(CASE r.status " + RunStatus.allCases.map { "WHEN \($0.number) THEN '\($0.rawValue)'" }.joined(separator: " ") + " END)"
        case .userID: "r.user_id"
        case .artifactURI: "r.artifact_uri"
        case .startTime: "r.start_time"
        case .endTime: "r.end_time"
        }
    }

    private static func sql(for clause: RunFilterClause) -> (String, [DatabaseValue]) {
        switch clause {
        case .metric(let key, let op, let value):
            return (
                """
                EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_pk = r.run_pk
                        AND m.key_id = (SELECT key_id FROM metric_keys WHERE key = ?) AND m.is_nan = 0 AND m.value \(op.rawValue) ?)
                """,
                [key.databaseValue, value.databaseValue]
            )
        case .param(let key, let op, let value):
            return keyValueCondition(table: "params", key: key, op: op, value: value)
        case .tag(let key, let op, let value):
            return keyValueCondition(table: "run_tags", key: key, op: op, value: value)
        case .stringAttribute(let attribute, let op, let values):
            let column = column(for: attribute)
            if op == .in || op == .notIn {
                return ("\(column) \(op.rawValue) (\(placeholders(values.count)))", values.map(\.databaseValue))
            }
            return stringComparison(column, op, values[0])
        case .numericAttribute(let attribute, let op, let value):
            return ("\(column(for: attribute)) \(op.rawValue) ?", [value.databaseValue])
        case .dataset(let field, let op, let values):
            let column: String
            var context = ""
            switch field {
            case .name: column = "d.name"
            case .digest: column = "d.digest"
            case .context:
                column = "t.value"
                context = "JOIN run_input_tags t ON t.run_pk = i.run_pk AND t.dataset_pk = i.dataset_pk AND t.key = '\(ReservedTag.datasetContext)'"
            }
            let (condition, arguments): (String, [DatabaseValue]) =
                op == .in || op == .notIn
                ? ("\(column) \(op.rawValue) (\(placeholders(values.count)))", values.map(\.databaseValue))
                : stringComparison(column, op, values[0])
            return (
                "EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.dataset_pk = i.dataset_pk \(context) WHERE i.run_pk = r.run_pk AND \(condition))",
                arguments
            )
        }
    }

    /// A param or tag condition: runs lacking the key match nothing but `IS NULL`.
    private static func keyValueCondition(table: String, key: String, op: FilterOperator, value: String?) -> (String, [DatabaseValue]) {
        let exists = "SELECT 1 FROM \(table) kv WHERE kv.run_pk = r.run_pk AND kv.key = ?"
        switch op {
        case .isNull: return ("NOT EXISTS (\(exists))", [key.databaseValue])
        case .isNotNull: return ("EXISTS (\(exists))", [key.databaseValue])
        default:
            let (condition, arguments) = stringComparison("kv.value", op, value ?? "")
            return ("EXISTS (\(exists) AND \(condition))", [key.databaseValue] + arguments)
        }
    }
}
