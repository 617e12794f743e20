import Logging
import StrideStore

/// What `stride db` and `stride gc` do that differs by backend; ``StoreFactory`` makes one with
/// each recipe. `location` is the store as ``StorageLocations`` found it: the checked absolute file,
/// or the database server.
struct BackendMaintenance: Sendable {
    /// `stride db check`: the store's schema and health, read without changing anything.
    var check: @Sendable (_ location: String, _ logger: Logger) async throws -> StoreCheck
    /// `stride db upgrade`: applies pending migrations and returns the versions it applied.
    var upgrade: @Sendable (_ location: String, _ logger: Logger) async throws -> [String]
    /// The newest schema version this binary knows.
    var latestVersion: String
    /// `stride db backup --to FILE`: a consistent copy in a new file while the server keeps running.
    var backup: @Sendable (_ location: String, _ target: String, _ logger: Logger) async throws -> Void
    /// Measures the store before `stride gc` collects, and returns what gives the freed space back
    /// afterwards (`vacuum`: as much as the backend can, now) and says what it did.
    var spaceReclaimer: @Sendable (_ store: any BackendStore) async throws -> SpaceReclaimer

    typealias SpaceReclaimer = @Sendable (_ vacuum: Bool, _ say: @escaping @Sendable (String) -> Void) async throws -> Void
}

/// What `stride db check` found in a store.
struct StoreCheck: Sendable, Equatable {
    var appliedVersions: [String]
    /// Versions a start (or `stride db upgrade`) would apply.
    var pendingVersions: [String]
    /// Versions recorded that this binary does not know: a newer Stride wrote the store.
    var unknownVersions: [String]
    /// The integrity line's text ("ok" for a sound SQLite file).
    var integrity: String
    /// Whether the integrity check found the store sound (or the backend checks itself).
    var integrityOK: Bool
    /// The size line's text.
    var size: String
}
