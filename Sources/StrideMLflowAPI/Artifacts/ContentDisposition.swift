/// `Content-Disposition: attachment` for a download, as MLflow builds it (RFC 6266 / 5987).
///
/// Artifacts are always attachments so a browser never renders an uploaded HTML file on the
/// server's origin. Non-ASCII names get an ASCII fallback plus a UTF-8 `filename*`.
enum ContentDisposition {
    static func attachment(fileName: String) -> String {
        if fileName.unicodeScalars.allSatisfy(\.isASCII) {
            return "attachment; filename=\(quotedIfNeeded(fileName))"
        }
        let fallback = String(String.UnicodeScalarView(fileName.unicodeScalars.filter(\.isASCII)))
        return "attachment; filename=\(quotedIfNeeded(fallback.isEmpty ? "download" : fallback)); filename*=UTF-8''\(percentEncoded(fileName))"
    }

    /// RFC 7230 token characters may stand bare; anything else is a quoted string.
    private static func quotedIfNeeded(_ value: String) -> String {
        let tokenCharacters = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
        if !value.isEmpty && value.unicodeScalars.allSatisfy({ tokenCharacters.contains($0) }) { return value }
        let escaped = value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        return "\"\(escaped)\""
    }

    /// RFC 5987 `attr-char`s stay as they are; every other byte is `%XX`.
    private static func percentEncoded(_ value: String) -> String {
        let attrCharacters = Set("!#$&+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            if attrCharacters.contains(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
