import Testing
import StrideDomain

/// Every filter language refuses, with a message naming the limit, what would overflow the stack
/// or reach SQLite's own limits; and client numbers never pass through a trapping conversion.
@Suite("Filter limits and client numbers")
struct FilterLimitsTests {
    /// Each search's filter parser, as the services call it.
    static let parsers: [(name: String, parse: @Sendable (String) throws -> Void)] = [
        ("runs", { _ = try RunFilterClause.parse($0) }),
        ("experiments", { _ = try ExperimentFilterClause.parse($0) }),
        ("registered models", { _ = try RegisteredModelFilterClause.parse($0) }),
        ("model versions", { _ = try ModelVersionFilterClause.parse($0) }),
        ("logged models", { _ = try LoggedModelFilter.parse($0) }),
    ]

    private static func refusal(_ filter: String, by parse: (String) throws -> Void) -> String? {
        do {
            try parse(filter)
            return nil
        } catch let error as StrideError {
            return error.code == .invalidParameterValue ? error.message : "wrong code \(error.code)"
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("20,000 nested parentheses and 1,000 NOTs are refused by the depth limit in every language")
    func deepNesting() {
        let parentheses = String(repeating: "(", count: 20_000) + "name = 'x'" + String(repeating: ")", count: 20_000)
        let nots = String(repeating: "NOT ", count: 1_000) + "name = 'x'"
        for (name, parse) in Self.parsers {
            for filter in [parentheses, nots] {
                let message = Self.refusal(filter, by: parse)
                #expect(message?.contains("deeper than \(Limits.maxFilterDepth) (the filter nesting depth limit)") == true,
                        "\(name): \(message ?? "accepted")")
            }
        }
    }

    @Test("100,000 NOTs are longer than the length limit, which is checked before anything is parsed")
    func hundredThousandNots() {
        let nots = String(repeating: "NOT ", count: 100_000) + "name = 'x'"
        for (name, parse) in Self.parsers {
            #expect(Self.refusal(nots, by: parse)?.contains("(the filter length limit)") == true, "\(name)")
        }
    }

    @Test("nesting up to the depth limit is accepted")
    func nestingAtTheLimit() throws {
        let filter = String(repeating: "NOT (", count: Limits.maxFilterDepth / 2) + "name = 'x'" + String(repeating: ")", count: Limits.maxFilterDepth / 2)
        _ = try RegisteredModelFilterClause.parse(filter)
        let tooDeep = "NOT " + filter
        #expect(Self.refusal(tooDeep) { _ = try RegisteredModelFilterClause.parse($0) }?.contains("nesting depth limit") == true)
    }

    @Test("5,000 ANDs or ORs are refused by the clause limit")
    func manyClauses() {
        for joiner in [" AND ", " OR "] {
            let filter = Array(repeating: "tags.a = 'x'", count: 5_000).joined(separator: joiner)
            for (name, parse) in Self.parsers {
                let message = Self.refusal(filter, by: parse)
                #expect(message?.contains("limit of comparisons") == true, "\(name): \(message ?? "accepted")")
            }
        }
        let atLimit = Array(repeating: "tags.a = 'x'", count: Limits.maxFilterClauses).joined(separator: " AND ")
        #expect(Self.refusal(atLimit) { _ = try RunFilterClause.parse($0) } == nil)
    }

    @Test("an IN list beyond the value limit is refused, one at the limit is accepted")
    func longInList() throws {
        func list(_ count: Int) -> String {
            "run_id IN (" + (0..<count).map { "'\($0)'" }.joined(separator: ", ") + ")"
        }
        #expect(try RunFilterClause.parse(list(Limits.maxFilterValues)).clauses.count == 1)
        let message = Self.refusal(list(Limits.maxFilterValues + 1)) { _ = try RunFilterClause.parse($0) }
        #expect(message?.contains("IN-list items included") == true)
    }

    @Test("a filter longer than the length limit is refused before it is read")
    func longFilter() {
        let filter = "name = '" + String(repeating: "x", count: Limits.maxFilterLength) + "'"
        let message = Self.refusal(filter) { _ = try ExperimentFilterClause.parse($0) }
        #expect(message?.contains("filter length limit") == true)
    }

    @Test("more order_by terms than the limit are refused")
    func manyOrderByTerms() {
        let terms = (0...Limits.maxOrderByTerms).map { "metrics.m\($0)" }
        #expect(Self.refusal("") { _ in _ = try RunOrder.parse(terms) }?.contains("limit of order_by terms") == true)
        #expect(Self.refusal("") { _ in _ = try ExperimentOrder.parse(Array(repeating: "name", count: 300)) }?.contains("limit of order_by terms") == true)
        #expect(Self.refusal("") { _ in _ = try RunOrder.parse(Array(terms.prefix(Limits.maxOrderByTerms))) } == nil)
    }

    @Test("times beyond Int64 compare as MLflow compares them, without a conversion", arguments: [
        ("attributes.start_time > 1e30", 1e30), ("end_time < -1e400", -Double.infinity), ("created >= 1e400", Double.infinity),
        ("start_time > 1.5", 1.5),
    ])
    func hugeRunTimes(filter: String, value: Double) throws {
        let clause = try #require(try RunFilterClause.parse(filter).clauses.first)
        guard case .numericAttribute(_, _, let parsed) = clause else {
            Issue.record("not a numeric attribute: \(clause)")
            return
        }
        #expect(parsed == value)
    }

    @Test("experiment times beyond Int64 parse to the literal")
    func hugeExperimentTimes() throws {
        #expect(try ExperimentFilterClause.parse("creation_time > 1e19").clauses == [.time(column: .creationTime, .greater, 1e19)])
        #expect(try ExperimentFilterClause.parse("last_update_time < -1e400").clauses == [.time(column: .lastUpdateTime, .less, -.infinity)])
    }

    @Test("model-version numbers that are not an Int64 are refused, naming the field")
    func hugeVersionNumbers() {
        for filter in ["version_number > 1e30", "creation_timestamp < -1e400", "last_updated_timestamp = 1.5"] {
            let message = Self.refusal(filter) { _ = try ModelVersionFilterClause.parse($0) }
            #expect(message?.contains("expects an integer") == true, "\(filter): \(message ?? "accepted")")
        }
    }

    @Test("logged-model time filters keep huge literals as numbers")
    func hugeLoggedModelTimes() throws {
        let clause = try #require(try LoggedModelFilter.parse("creation_timestamp > 1e30").clauses.first)
        #expect(clause.value == .number(1e30))
    }

    @Test("a token lifetime beyond the limit is refused instead of overflowing", arguments: [200_000_000_000_000, Int.max, 36_501, 0, -1, Int.min])
    func tokenLifetimeOutOfRange(days: Int) {
        #expect(throws: StrideError.self) { try TokenLifetime.expiry(days: days, from: 1_700_000_000_000) }
    }

    @Test("a token lifetime within the limit expires that many days later")
    func tokenLifetimeInRange() throws {
        #expect(try TokenLifetime.expiry(days: 30, from: 1_000) == 1_000 + 30 * 86_400_000)
        #expect(try TokenLifetime.expiry(days: Limits.maxTokenLifetimeDays, from: 0) == Int64(Limits.maxTokenLifetimeDays) * 86_400_000)
        #expect(throws: StrideError.self) { try TokenLifetime.expiry(days: 1, from: .max) }
    }
}
