/// The two base64 forms access tokens need, without Foundation (the domain layer does without it).
enum Base64 {
    private static let standardAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// RFC 4648 §5 (URL- and file-name-safe), unpadded: what token secrets are written in.
    static func urlEncodedUnpadded(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var group: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { group |= UInt32(byte) << (16 - 8 * offset) }
            for sextet in 0...chunk.count { out.append(urlAlphabet[Int((group >> (18 - 6 * sextet)) & 0x3F)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 4648 §4 (standard alphabet), with or without padding, as HTTP basic auth sends it; nil
    /// for anything else.
    static func decodeStandard(_ text: some StringProtocol) -> [UInt8]? {
        var digits = Array(text.utf8)
        while digits.last == UInt8(ascii: "=") { digits.removeLast() }
        guard digits.count % 4 != 1, text.utf8.count - digits.count <= 2 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(digits.count * 3 / 4)
        var group: UInt32 = 0
        var pending = 0
        for digit in digits {
            guard let value = standardValue(digit) else { return nil }
            group = group << 6 | UInt32(value)
            pending += 6
            if pending >= 8 {
                pending -= 8
                out.append(UInt8(truncatingIfNeeded: group >> UInt32(pending)))
            }
        }
        return out
    }

    private static func standardValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): digit - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
