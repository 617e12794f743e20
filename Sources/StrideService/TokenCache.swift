import Crypto
import StrideDomain
import Synchronization

/// Tokens verified recently, so a warm request costs one SHA-256 of the header and a dictionary
/// lookup: no database read and no salted hash.
///
/// Entries are keyed by the SHA-256 of the whole presented token, never by its text, so the cache
/// holds no secret; a different secret is a different key and goes through full verification.
/// An entry lives at most `lifetime` (one second by default) after its check against the store.
/// That bound is what honours a revocation made elsewhere (the `stride token revoke` command
/// shares only the database with the server, so nothing can tell the server's cache): a revoked
/// token stops working within a second. A second still means at most one read and one salted hash
/// per token per second, which is nothing at any request rate. A revocation through the server's
/// own `AccessService` drops the entries at once.
final class TokenCache: Sendable {
    struct Entry: Sendable {
        var principal: Principal
        var verifiedTime: Int64
        var expiresTime: Int64?
    }

    let lifetime: Int64
    /// More live tokens than this would be unusual; when full, stale entries go, then all of them.
    let capacity: Int
    /// The 32 bytes of a SHA-256 digest (swift-crypto's digest type is not `Sendable`).
    typealias Key = SIMD4<UInt64>

    private let entries = Mutex<[Key: Entry]>([:])

    init(lifetimeMilliseconds: Int64, capacity: Int = 10_000) {
        self.lifetime = lifetimeMilliseconds
        self.capacity = capacity
    }

    static func key(for presentedToken: String) -> Key {
        SHA256.hash(data: Array(presentedToken.utf8)).withUnsafeBytes { bytes in
            Key(
                bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
        }
    }

    /// The principal of a token verified less than `lifetime` ago and not expired since.
    func principal(for key: Key, at time: Int64) -> Principal? {
        let lifetime = lifetime
        return entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard Self.isFresh(entry, at: time, lifetime: lifetime) else {
                entries[key] = nil
                return nil
            }
            return entry.principal
        }
    }

    func insert(_ principal: Principal, expiresTime: Int64?, for key: Key, at time: Int64) {
        let (lifetime, capacity) = (lifetime, capacity)
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { Self.isFresh($0.value, at: time, lifetime: lifetime) }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[key] = Entry(principal: principal, verifiedTime: time, expiresTime: expiresTime)
        }
    }

    func remove(tokenID: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.principal.tokenID != tokenID }
        }
    }

    func remove(project: String) {
        entries.withLock { entries in
            entries = entries.filter { $0.value.principal.project != project }
        }
    }

    private static func isFresh(_ entry: Entry, at time: Int64, lifetime: Int64) -> Bool {
        let verifiedRecently = time >= entry.verifiedTime && time - entry.verifiedTime < lifetime
        return verifiedRecently && (entry.expiresTime.map { time < $0 } ?? true)
    }
}
