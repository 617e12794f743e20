/// Writes JSON straight into a byte array, emitting commas as members and elements are added.
///
/// Responses such as a 25,000-point metric history page are large; building them through
/// `JSONEncoder` costs several milliseconds per thousand entries (swift-stack.md §4).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes written so far, leaving the writer empty but mid-document, so a large answer can
    /// be sent in pieces as it is written.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes JSON this server wrote earlier (a stored span), byte for byte.
    public mutating func rawValue(_ json: String) {
        separate()
        bytes.append(contentsOf: json.utf8)
        needsComma = true
    }

    /// Writes the members of a JSON object text this server wrote earlier into the open object.
    public mutating func rawMembers(ofObject json: String) {
        var inner = Substring(json).utf8.drop { $0 == UInt8(ascii: " ") }
        guard inner.first == UInt8(ascii: "{"), inner.last == UInt8(ascii: "}") else { return }
        inner = inner.dropFirst().dropLast()
        guard inner.contains(where: { $0 != UInt8(ascii: " ") }) else { return }
        separate()
        bytes.append(contentsOf: inner)
        needsComma = true
    }

    /// Writes members encoded earlier by a writer (`"a":1,"b":"x"`) into the open object, so that
    /// members repeated across many objects are escaped once.
    public mutating func encodedMembers(_ members: [UInt8]) {
        guard !members.isEmpty else { return }
        separate()
        bytes.append(contentsOf: members)
        needsComma = true
    }

    /// Writes a member name; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func value(_ text: String) {
        separate()
        appendQuoted(text)
        needsComma = true
    }

    public mutating func value(_ number: Int64) {
        separate()
        appendDecimal(number)
        needsComma = true
    }

    public mutating func nullValue() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    public mutating func value(_ flag: Bool) {
        separate()
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
        needsComma = true
    }

    /// Finite numbers in their shortest round-trip form; NaN and infinities as the strings
    /// protobuf's JSON mapping uses (`"NaN"`, `"Infinity"`, `"-Infinity"`).
    public mutating func value(_ number: Double) {
        separate()
        if number.isNaN {
            bytes.append(contentsOf: "\"NaN\"".utf8)
        } else if number.isInfinite {
            bytes.append(contentsOf: (number > 0 ? "\"Infinity\"" : "\"-Infinity\"").utf8)
        } else {
            bytes.append(contentsOf: number.description.utf8)
        }
        needsComma = true
    }

    public mutating func field(_ name: String, _ text: String) {
        key(name)
        value(text)
    }

    public mutating func field(_ name: String, _ number: Int64) {
        key(name)
        value(number)
    }

    public mutating func field(_ name: String, _ number: Double) {
        key(name)
        value(number)
    }

    public mutating func field(_ name: String, _ flag: Bool) {
        key(name)
        value(flag)
    }

    /// Writes the digits straight into the buffer: a history page writes two integers per point,
    /// and going through `String` cost a call into the runtime's formatter and a string for each.
    private mutating func appendDecimal(_ number: Int64) {
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if number < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Copies runs of plain bytes in one go and escapes only what JSON requires: byte-by-byte
    /// appends made this a tenth of a large search response.
    private mutating func appendQuoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            reserveRoom(forLongString: utf8.count)
            var plainStart = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart..<index]))
                appendEscaped(byte)
                plainStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Grows the buffer once, with some room to spare, before a long string (a dataset's 16 MB
    /// profile) is copied in. Letting the array double instead would hold the old and the new
    /// storage together, up to three times the answer's size at the peak.
    private mutating func reserveRoom(forLongString count: Int) {
        guard count >= Self.longStringBytes else { return }
        let (needed, overflow) = bytes.count.addingReportingOverflow(count + count / 8 + Self.longStringBytes)
        if !overflow, needed > bytes.capacity { bytes.reserveCapacity(needed) }
    }

    /// Strings from this size on reserve their room up front (``reserveRoom(forLongString:)``).
    private static let longStringBytes = 64 * 1024

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                      hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}
