import Testing
import StrideDomain

@Suite("Run rules")
struct RunRulesTests {
    @Test("the latest metric is the one with the largest step, then timestamp, then value")
    func latestMetricOrder() {
        let points = [
            Metric(key: "m", value: 9, timestamp: 100, step: 1),
            Metric(key: "m", value: 1, timestamp: 50, step: 2),
            Metric(key: "m", value: 0, timestamp: 60, step: 2),
            Metric(key: "m", value: 5, timestamp: 60, step: 2),
            Metric(key: "other", value: 3, timestamp: 1, step: 0),
        ]
        let latest = Metric.latestPerKey(points)
        #expect(latest == [Metric(key: "m", value: 5, timestamp: 60, step: 2), Metric(key: "other", value: 3, timestamp: 1, step: 0)])
    }

    @Test("a number beats NaN when step and timestamp tie")
    func nanLosesTies() {
        let nan = Metric(key: "m", value: .nan, timestamp: 1, step: 1)
        let zero = Metric(key: "m", value: 0, timestamp: 1, step: 1)
        #expect(zero.isLater(than: nan))
        #expect(!nan.isLater(than: zero))
    }

    @Test("generated run names are adjective-noun-number and at most 20 characters")
    func generatedNames() {
        for _ in 0..<200 {
            let name = RunNameGenerator.make()
            let parts = name.split(separator: "-")
            #expect(name.count <= 20)
            #expect(parts.count == 3)
            #expect(Int(parts[2]) != nil)
        }
    }

    @Test("run ids are uuid4s in 32 lowercase hex digits, and unique")
    func runIDs() {
        let ids = (0..<1000).map { _ in RunIDGenerator.make() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(20) {
            #expect(id.count == 32)
            #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            // uuid4: version 4, RFC 4122 variant
            #expect(Array(id)[12] == "4")
            #expect("89ab".contains(Array(id)[16]))
        }
    }

    @Test("statuses and view types parse from names and protobuf numbers")
    func enumParsing() {
        #expect(RunStatus(wireValue: "FINISHED") == .finished)
        #expect(RunStatus(wireValue: "4") == .failed)
        #expect(RunStatus(wireValue: "BOGUS") == nil)
        #expect(ViewType(wireValue: "ALL") == .all)
        #expect(ViewType(wireValue: "2") == .deletedOnly)
    }

    @Test("experiment ids must be integers")
    func experimentIDs() throws {
        #expect(try ExperimentID(parsing: "42").value == 42)
        #expect(throws: StrideError.invalidParameter("Invalid experiment ID 'abc'. Experiment ID must be a valid integer.")) {
            try ExperimentID(parsing: "abc")
        }
    }
}
