import Testing
import StrideDomain

@Suite("The run search filter and order_by")
struct RunFilterTests {
    @Test("each identifier kind parses with its operators")
    func identifiers() throws {
        let clauses = try RunFilterClause.parse(
            "metrics.loss < 0.5 and params.lr = '0.1' and tags.`team name` LIKE 'ml%' and attributes.status = 'FINISHED' "
                + "and created >= 100 and run_id IN ('a', 'b') and dataset.context = 'train' and params.x IS NULL").clauses
        #expect(clauses == [
            .metric(key: "loss", .less, 0.5), .param(key: "lr", .equal, ["0.1"]), .tag(key: "team name", .like, ["ml%"]),
            .stringAttribute(.status, .equal, ["FINISHED"]), .numericAttribute(.startTime, .greaterOrEqual, 100),
            .stringAttribute(.runID, .in, ["a", "b"]), .dataset(.context, .equal, ["train"]), .param(key: "x", .isNull, []),
        ])
    }

    @Test("every metric comparator and every string operator", arguments: ["=", "!=", "<", "<=", ">", ">="])
    func metricComparators(symbol: String) throws {
        let clauses = try RunFilterClause.parse("metrics.m \(symbol) -1.5e1").clauses
        #expect(clauses == [.metric(key: "m", FilterOperator(rawValue: symbol)!, -15)])
    }

    @Test("string operators on params, tags and attributes", arguments: [
        ("params.p ILIKE '%A%'", RunFilterClause.param(key: "p", .iLike, ["%A%"])),
        ("tags.t != 'x'", .tag(key: "t", .notEqual, ["x"])),
        ("tags.t IS NOT NULL", .tag(key: "t", .isNotNull, [])),
        ("`Run name` LIKE 'r%'", .stringAttribute(.runName, .like, ["r%"])),
        ("attributes.artifact_uri ILIKE '%s3%'", .stringAttribute(.artifactURI, .iLike, ["%s3%"])),
        ("user_id = 'me'", .stringAttribute(.userID, .equal, ["me"])),
        ("run_id NOT IN ('a')", .stringAttribute(.runID, .notIn, ["a"])),
        ("end_time <= 7", .numericAttribute(.endTime, .lessOrEqual, 7)),
        ("dataset.digest IN ('d1', 'd2')", .dataset(.digest, .in, ["d1", "d2"])),
    ])
    func stringOperators(filter: String, expected: RunFilterClause) throws {
        #expect(try RunFilterClause.parse(filter).clauses == [expected])
    }

    @Test("IN and NOT IN on params and tags (a Stride extension)")
    func listsOnParamsAndTags() throws {
        let clauses = try RunFilterClause.parse("params.lr IN ('0.1', '0.01') AND tags.team NOT IN ('a')").clauses
        #expect(clauses == [.param(key: "lr", .in, ["0.1", "0.01"]), .tag(key: "team", .notIn, ["a"])])
    }

    @Test("OR and NOT build a tree; a flat filter is a conjunction")
    func booleanTree() throws {
        #expect(try RunFilterClause.parse("params.a = '1' AND params.b = '2'") == .all([
            .clause(.param(key: "a", .equal, ["1"])), .clause(.param(key: "b", .equal, ["2"])),
        ]))
        #expect(try RunFilterClause.parse("NOT params.a = '1' OR metrics.m > 0") == .any([
            .not(.clause(.param(key: "a", .equal, ["1"]))), .clause(.metric(key: "m", .greater, 0)),
        ]))
    }

    @Test("the clauses every match needs are those of the top-level AND")
    func requiredClauses() throws {
        let tree = try RunFilterClause.parse("metrics.loss < 1 AND (params.a = '1' OR params.b = '2') AND NOT tags.t = 'x'")
        #expect(tree.requiredClauses == [.metric(key: "loss", .less, 1)])
    }

    @Test("wrong value types and operators are refused", arguments: [
        "metrics.loss = '1'", "params.lr = 1", "metrics.loss LIKE 'a'", "metrics.loss IS NULL", "run_name IN ('a')",
        "start_time = 'x'", "bogus = 'x'", "dataset.size = 'x'", "unknownentity.x = 'y'", "metrics.m IN ('1')",
        "params.p IN 'a'", "status IN ('RUNNING')",
    ])
    func refusals(filter: String) {
        #expect {
            try RunFilterClause.parse(filter)
        } throws: { error in
            (error as? StrideError)?.code == .invalidParameterValue
        }
    }

    @Test("order_by keys with directions, quoted keys and aliases")
    func ordering() throws {
        let orders = try RunOrder.parse(["metrics.`my loss` DESC", "params.lr", "tags.t asc", "attributes.start_time ASC", "run_name"])
        #expect(orders == [
            RunOrder(key: .metric("my loss"), ascending: false), RunOrder(key: .param("lr"), ascending: true),
            RunOrder(key: .tag("t"), ascending: true), RunOrder(key: .attribute(.startTime), ascending: true),
            RunOrder(key: .attribute(.runName), ascending: true),
        ])
        #expect(throws: StrideError.self) { try RunOrder.parse(["start_time", "created DESC"]) }
        #expect(throws: StrideError.self) { try RunOrder.parse(["nonsense_attribute"]) }
    }
}
