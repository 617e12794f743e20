import Crypto

/// The salted hash kept in place of a token's secret, and the check of a presented secret.
///
/// One SHA-256 round is enough here, unlike for passwords: the secret is 256 random bits, so
/// nothing can be guessed from the hash, and a slow hash would only cost every cold request.
/// The salt still makes two stores' hashes of one secret differ.
enum TokenSecretHash {
    static let saltByteCount = 16

    /// A fresh random salt; `SystemRandomNumberGenerator` is cryptographically secure on every platform.
    static func makeSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<saltByteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `SHA256(salt || secret)`.
    static func hash(secret: String, salt: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: salt)
        hasher.update(data: Array(secret.utf8))
        return Array(hasher.finalize())
    }

    static func matches(secret: String, salt: [UInt8], expected: [UInt8]) -> Bool {
        ConstantTimeComparison.equal(hash(secret: secret, salt: salt), expected)
    }
}

/// Byte comparison whose time depends only on the lengths, never on where the bytes first differ,
/// so response times reveal nothing about how close a guess came.
public enum ConstantTimeComparison {
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
