import Foundation
import Logging
import StrideDomain
import StrideService
import StrideStore
import StrideServer
import StrideTesting
import Testing
import Synchronization

/// A clock tests move by hand, to step past expiry and cache lifetimes without sleeping.
final class ManualClock: TimeSource {
    private let now: Mutex<Int64>

    init(_ start: Int64 = 1_700_000_000_000) { now = Mutex(start) }

    func nowMilliseconds() -> Int64 { now.withLock { $0 } }

    func advance(milliseconds: Int64) { now.withLock { $0 += milliseconds } }
}

/// An access service over a fresh SQLite store and a manual clock, with a project `vision` besides
/// `default`; the store is closed afterwards.
struct AccessFixture {
    let store: any BackendStore
    let clock: ManualClock
    let access: AccessService
    let projects: ProjectService

    static func with(_ body: (AccessFixture) async throws -> Void) async throws {
        let clock = ManualClock()
        try await withTestApplication(auth: true, clock: clock) { app in
            let fixture = AccessFixture(
                store: app.store, clock: clock, access: try #require(app.services.access), projects: app.services.projects)
            _ = try await fixture.projects.create(named: "vision")
            try await body(fixture)
        }
    }
}

func isStrideError(_ code: StrideError.Code) -> @Sendable (any Error) -> Bool {
    { error in (error as? StrideError)?.code == code }
}

/// The error `body` throws, as a `StrideError`, or nil.
func strideError(_ body: () async throws -> Void) async -> StrideError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? StrideError
    }
}
