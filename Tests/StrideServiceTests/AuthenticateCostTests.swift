import Foundation
import Testing
import StrideDomain
import StrideService

/// What authentication adds to a request; the issue allows 50 µs at p50 with auth on.
@Suite("Access service: the cost of authenticate")
struct AuthenticateCostTests {
    @Test("a warm authenticate (cached token) costs well under 50 µs; the cold cost is printed for comparison")
    func warmAndColdCost() async throws {
        try await AccessFixture.with { fixture in
            let (_, plaintext) = try await fixture.access.create(project: "vision", role: .writer)
            let header = "Bearer \(plaintext)"
            let uncached = AccessService(store: fixture.store, clock: fixture.clock, cacheLifetimeMilliseconds: 0)

            let warm = try await medianMicroseconds(rounds: 5, callsPerRound: 2_000) {
                _ = try await fixture.access.authenticate(headerValue: header)
            }
            let cold = try await medianMicroseconds(rounds: 5, callsPerRound: 200) {
                _ = try await uncached.authenticate(headerValue: header)
            }
            print("authenticate per call: warm \(format(warm)) µs, cold \(format(cold)) µs (median of 5 rounds)")
            #expect(warm < 50)
            #expect(warm < cold)
        }
    }

    private func medianMicroseconds(rounds: Int, callsPerRound: Int, _ call: () async throws -> Void) async throws -> Double {
        try await call()
        var perCall: [Double] = []
        for _ in 0..<rounds {
            let elapsed = try await ContinuousClock().measure {
                for _ in 0..<callsPerRound { try await call() }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            perCall.append(seconds * 1e6 / Double(callsPerRound))
        }
        return perCall.sorted()[rounds / 2]
    }

    private func format(_ microseconds: Double) -> String { String(format: "%.2f", microseconds) }
}
