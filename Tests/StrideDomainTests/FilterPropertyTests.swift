import Testing
import StrideDomain

/// Random strings and random trees fed to every filter language: each gives a value or a
/// `StrideError`, never a trap. The generator is seeded, so a failure names a reproducible case.
@Suite("Filter languages never trap (property)")
struct FilterPropertyTests {
    /// SplitMix64: small, fast and the same on every platform.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
    }

    private static let fragments = [
        "(", ")", "(", ")", "NOT ", " AND ", " OR ", "and", "'", "\"", "`", ",", ".", "=", "!=", "<>", "<", ">=", "!", " IN ",
        " NOT IN ", " IS NULL", " IS NOT NULL", " LIKE ", " ILIKE ", "metrics.", "params.", "tags.", "attributes.", "dataset.",
        "start_time", "end_time", "created", "creation_time", "last_update_time", "version_number", "creation_timestamp", "name",
        "run_id", "status", "1e30", "-1e400", "1e19", "9223372036854775807", "-9223372036854775809", "5e-324", "1.5", "0", "-0",
        "1e", "--1", ".5", "+", "e", "x", "'a'", "('a', 'b')", "\\", "é", "\u{0}", " ", "\t",
    ]

    private static let identifiers = [
        "metrics.loss", "params.lr", "tags.t", "attributes.start_time", "end_time", "created", "creation_time", "last_update_time",
        "name", "run_id", "status", "version_number", "creation_timestamp", "last_updated_timestamp", "source_path", "dataset.name",
        "model_id", "`odd key`",
    ]
    private static let operators = ["=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN", "NOT IN", "IS NULL", "IS NOT NULL"]
    private static let literals = [
        "1e30", "-1e400", "1e400", "1e19", "9223372036854775807", "-9223372036854775808", "18446744073709551616", "5e-324",
        "1.5", "0", "-1", "'x'", "'%a_'", "('a', 'b')", "('1')", "1e308", "1.7976931348623157e309",
    ]

    private static func check(_ filter: String, seed: UInt64) {
        for (name, parse) in FilterLimitsTests.parsers {
            do {
                try parse(filter)
            } catch let error as StrideError {
                #expect(error.code == .invalidParameterValue, "seed \(seed), \(name): \(filter)")
            } catch {
                Issue.record("seed \(seed), \(name): \(filter) threw \(error)")
            }
        }
    }

    private static func randomTree(_ random: inout SeededGenerator, depth: Int) -> String {
        // A leaf half the time and at most three children keep the expected size finite at any depth.
        if depth <= 0 || Bool.random(using: &random) {
            let identifier = identifiers.randomElement(using: &random) ?? "name"
            let op = operators.randomElement(using: &random) ?? "="
            return op.hasPrefix("IS") ? "\(identifier) \(op)" : "\(identifier) \(op) \(literals.randomElement(using: &random) ?? "0")"
        }
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return "NOT " + randomTree(&random, depth: depth - 1)
        case 1: return "(" + randomTree(&random, depth: depth - 1) + ")"
        default:
            let joiner = Bool.random(using: &random) ? " AND " : " OR "
            let count = Int.random(in: 2...3, using: &random)
            return (0..<count).map { _ in randomTree(&random, depth: depth - 1) }.joined(separator: joiner)
        }
    }

    @Test("random strings of filter fragments give a value or a StrideError", arguments: 0..<8)
    func randomStrings(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        for _ in 0..<400 {
            let length = Int.random(in: 0...24, using: &random)
            let filter = (0..<length).map { _ in Self.fragments.randomElement(using: &random) ?? "" }.joined()
            Self.check(filter, seed: seed)
        }
    }

    @Test("random trees of valid and invalid clauses, up to twice the depth limit, give a value or a StrideError", arguments: 0..<8)
    func randomTrees(seed: UInt64) {
        var random = SeededGenerator(state: seed)
        for _ in 0..<200 {
            Self.check(Self.randomTree(&random, depth: Int.random(in: 0...(Limits.maxFilterDepth * 2), using: &random)), seed: seed)
        }
    }

    @Test("random numbers and huge literals round-trip into time and metric clauses unchanged", arguments: 0..<4)
    func numbersRoundTrip(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        for _ in 0..<500 {
            let value = Double(bitPattern: random.next())
            guard value.isFinite else { continue }
            let literal = "\(value)"
            let filter = "start_time > \(literal) AND metrics.m <= \(literal)"
            #expect(try RunFilterClause.parse(filter).clauses == [.numericAttribute(.startTime, .greater, value), .metric(key: "m", .lessOrEqual, value)])
            #expect(try ExperimentFilterClause.parse("creation_time = \(literal)").clauses == [.time(column: .creationTime, .equal, value)])
        }
    }
}
