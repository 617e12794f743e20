/// The text of an access token, `stride_<id>_<secret>`: 63 ASCII characters.
///
/// The prefix makes a leaked token recognisable to secret scanners. The 12-hex-digit id is public
/// (it is listed and revoked by) and finds the stored record with one indexed read, so only the
/// secret (32 random bytes, 43 base64url characters) needs a salted hash. `description` leaves the
/// secret out, so interpolating a token into a message or a log never reveals it.
public struct TokenText: Sendable, Equatable, CustomStringConvertible {
    public static let prefix = "stride_"
    public static let idLength = 12
    public static let secretLength = 43
    static let secretByteCount = 32

    public let id: String
    public let secret: String

    /// Reads a presented token; nil unless it has exactly the shape above.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        let idStart = Self.prefix.utf8.count
        let secretStart = idStart + Self.idLength + 1
        guard bytes.count == secretStart + Self.secretLength, text.hasPrefix(Self.prefix), bytes[secretStart - 1] == UInt8(ascii: "_")
        else { return nil }
        let id = bytes[idStart..<secretStart - 1]
        let secret = bytes[secretStart...]
        guard id.allSatisfy(Self.isLowercaseHexDigit), secret.allSatisfy(Self.isBase64URLDigit) else { return nil }
        self.id = String(decoding: id, as: UTF8.self)
        self.secret = String(decoding: secret, as: UTF8.self)
    }

    /// A new token with a random id and secret.
    public static func generate(using generator: inout some RandomNumberGenerator) -> TokenText {
        let hexDigits = Array("0123456789abcdef".utf8)
        let id = (0..<idLength).map { _ in hexDigits[Int.random(in: 0..<16, using: &generator)] }
        let secret = (0..<secretByteCount).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return TokenText(id: String(decoding: id, as: UTF8.self), secret: Base64.urlEncodedUnpadded(secret))
    }

    private init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// The whole token, to hand to its owner once and never to log.
    public var text: String { Self.prefix + id + "_" + secret }

    public var description: String { Self.prefix + id + "_<secret>" }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func isBase64URLDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
