import Foundation
import Logging
import StrideDomain
import StrideSQLite
import StrideService
import StrideStore
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
    let store: SQLiteTrackingStore
    let clock: ManualClock
    let access: AccessService
    let projects: ProjectService

    static func with(_ body: (AccessFixture) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stride-access-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteTrackingStore.open(path: directory.appendingPathComponent("stride.db").path, logger: Logger(label: "test"))
        let clock = ManualClock()
        let fixture = AccessFixture(
            store: store, clock: clock, access: AccessService(store: store, clock: clock), projects: ProjectService(store: store, clock: clock))
        do {
            _ = try await fixture.projects.create(named: "vision")
            try await body(fixture)
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
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
