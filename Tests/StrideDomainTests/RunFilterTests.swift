import Testing
import StrideDomain

@Suite("The run search filter and order_by")
struct RunFilterTests {
    @Test("each identifier kind parses with its operators")
    func identifiers() throws {
        let clauses = try RunFilterClause.parse(
            "metrics.loss < 0.5 and params.lr = '0.1' and tags.`team name` LIKE 'ml%' and attributes.status = 'FINISHED' "
                + "and created >= 100 and run_id IN ('a', 'b') and dataset.context = 'train' and params.x IS NULL")
        #expect(clauses == [
            .metric(key: "loss", .less, 0.5), .param(key: "lr", .equal, "0.1"), .tag(key: "team name", .like, "ml%"),
            .stringAttribute(.status, .equal, ["FINISHED"]), .numericAttribute(.startTime, .greaterOrEqual, 100),
            .stringAttribute(.runID, .in, ["a", "b"]), .dataset(.context, .equal, ["train"]), .param(key: "x", .isNull, nil),
        ])
    }

    @Test("wrong value types and operators are refused", arguments: [
        "metrics.loss = '1'", "params.lr = 1", "metrics.loss LIKE 'a'", "metrics.loss IS NULL", "run_name IN ('a')",
        "start_time = 'x'", "bogus = 'x'", "dataset.size = 'x'", "unknownentity.x = 'y'",
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
