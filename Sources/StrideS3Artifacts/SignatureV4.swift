import Crypto

/// AWS Signature Version 4 over a request's parts, as S3 verifies it.
///
/// A value type with no I/O: the client hands it the method, the already-encoded path, the query,
/// the headers and the payload hash, and gets back the headers to add (or, presigned, the query).
/// Tested against AWS's published examples.
struct SignatureV4: Sendable {
    var credentials: S3Credentials
    var region: String
    var service: String = "s3"

    static let algorithm = "AWS4-HMAC-SHA256"
    /// The payload hash S3 accepts in place of a body's SHA-256 (the body is then not signed).
    static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// SHA-256 of no bytes.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The request as signed: `path` is percent-encoded already (``S3URIEncoding``), query items are raw.
    struct Request {
        var method: String
        var path: String
        var query: [(name: String, value: String)]
        /// Names in any case; all of them are signed.
        var headers: [(name: String, value: String)]
        var payloadHash: String
    }

    /// The headers to send besides `request.headers`: `x-amz-date`, the session token if any, and
    /// `Authorization`.
    func authorizationHeaders(for request: Request, at time: UTCTimestamp) -> [(name: String, value: String)] {
        var added: [(name: String, value: String)] = [("x-amz-date", time.basicDateTime)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        var signed = request
        signed.headers += added
        let (signedHeaders, canonical) = canonicalRequest(signed)
        let signature = self.signature(of: canonical, at: time)
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope(time)), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        added.append(("Authorization", authorization))
        return added
    }

    /// The query items that make `request` a presigned URL valid for `expiresSeconds`; only the host
    /// header is signed and the payload is unsigned, so anyone holding the URL can send any body.
    func presignedQuery(for request: Request, at time: UTCTimestamp, expiresSeconds: Int) -> [(name: String, value: String)] {
        var query = request.query
        query.append(("X-Amz-Algorithm", Self.algorithm))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(time))"))
        query.append(("X-Amz-Date", time.basicDateTime))
        query.append(("X-Amz-Expires", String(expiresSeconds)))
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        query.append(("X-Amz-SignedHeaders", Self.signedHeaderList(request.headers)))
        var signed = request
        signed.query = query
        signed.payloadHash = Self.unsignedPayload
        let (_, canonical) = canonicalRequest(signed)
        query.append(("X-Amz-Signature", signature(of: canonical, at: time)))
        return query
    }

    // MARK: The steps

    /// The signed-header list and the canonical request text.
    func canonicalRequest(_ request: Request) -> (signedHeaders: String, text: String) {
        let headers = Self.canonicalHeaders(request.headers)
        let signedHeaders = headers.map(\.name).joined(separator: ";")
        let headerLines = headers.map { "\($0.name):\($0.value)\n" }.joined()
        let text = [
            request.method, request.path, Self.canonicalQuery(request.query), headerLines, signedHeaders, request.payloadHash,
        ].joined(separator: "\n")
        return (signedHeaders, text)
    }

    func signature(of canonicalRequest: String, at time: UTCTimestamp) -> String {
        let stringToSign = [Self.algorithm, time.basicDateTime, scope(time), Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        let signature = HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(time))
        return Self.hex(signature)
    }

    func scope(_ time: UTCTimestamp) -> String {
        "\(time.basicDate)/\(region)/\(service)/aws4_request"
    }

    /// HMAC chain `AWS4<secret>` → date → region → service → `aws4_request`.
    func signingKey(_ time: UTCTimestamp) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [time.basicDate, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    /// Lower-cased names sorted, values trimmed with inner runs of spaces folded, repeated names joined by commas.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            byName[name.lowercased(), default: []].append(foldedSpaces(value))
        }
        return byName.keys.sorted().map { ($0, byName[$0, default: []].joined(separator: ",")) }
    }

    static func signedHeaderList(_ headers: [(name: String, value: String)]) -> String {
        canonicalHeaders(headers).map(\.name).joined(separator: ";")
    }

    /// Names and values encoded, sorted by name then value.
    static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.map { (S3URIEncoding.encode($0.name, keepingSlashes: false), S3URIEncoding.encode($0.value, keepingSlashes: false)) }
            .sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    private static func foldedSpaces(_ value: String) -> String {
        var result = ""
        var lastWasSpace = false
        for character in value.trimmingSpaces() {
            if character == " " {
                if !lastWasSpace { result.append(character) }
                lastWasSpace = true
            } else {
                result.append(character)
                lastWasSpace = false
            }
        }
        return result
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension String {
    fileprivate func trimmingSpaces() -> Substring {
        let trimmed = drop { $0 == " " || $0 == "\t" }
        var end = trimmed.endIndex
        while end > trimmed.startIndex, [" ", "\t"].contains(trimmed[trimmed.index(before: end)]) {
            end = trimmed.index(before: end)
        }
        return trimmed[..<end]
    }
}

/// S3's percent-encoding: every byte but `A-Z a-z 0-9 - . _ ~` (and `/` in object keys) as `%XX`.
enum S3URIEncoding {
    static func encode(_ text: String, keepingSlashes: Bool) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                bytes.append(byte)
            case UInt8(ascii: "/") where keepingSlashes:
                bytes.append(byte)
            default:
                bytes += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
