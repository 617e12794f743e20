/// Where requests for one bucket go: scheme, host and port, and whether the bucket is in the path
/// (`http://127.0.0.1:9000/bucket/key`, MinIO and moto) or in the host (`https://bucket.s3.us-east-1.amazonaws.com/key`).
struct S3Endpoint: Sendable, Equatable {
    let scheme: String
    let host: String
    let port: Int?
    let bucket: String
    let pathStyle: Bool

    /// The endpoint a configuration names; a custom URL that is not `http(s)://host[:port]` is refused.
    init(_ configuration: S3Configuration) throws(S3ConfigurationError) {
        bucket = configuration.location.bucket
        pathStyle = configuration.pathStyle
        guard let url = configuration.endpointURL else {
            scheme = "https"
            host = "s3.\(configuration.region).amazonaws.com"
            port = nil
            return
        }
        let parts = url.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, ["http", "https"].contains(parts[0].lowercased()) else {
            throw S3ConfigurationError("The S3 endpoint '\(url)' must start with http:// or https://")
        }
        scheme = parts[0].lowercased()
        let authority = parts[1].prefix { $0 != "/" }
        // `[::1]:9000`: the port follows the closing bracket.
        let portSeparator = authority.lastIndex(of: ":").flatMap { index in
            authority[index...].contains("]") ? nil : index
        }
        if let portSeparator {
            guard let number = Int(authority[authority.index(after: portSeparator)...]), (1...65535).contains(number) else {
                throw S3ConfigurationError("The S3 endpoint '\(url)' has an invalid port")
            }
            host = String(authority[..<portSeparator])
            port = number
        } else {
            host = String(authority)
            port = nil
        }
        guard !host.isEmpty else { throw S3ConfigurationError("The S3 endpoint '\(url)' names no host") }
    }

    /// The `Host` header, which the signature covers.
    var hostHeader: String {
        let name = pathStyle ? host : "\(bucket).\(host)"
        return port.map { "\(name):\($0)" } ?? name
    }

    /// The encoded request path for `key`, or for the bucket itself when `key` is nil.
    func path(forKey key: String?) -> String {
        let encodedKey = key.map { S3URIEncoding.encode($0, keepingSlashes: true) }
        if pathStyle {
            return "/" + bucket + (encodedKey.map { "/" + $0 } ?? "")
        }
        return "/" + (encodedKey ?? "")
    }

    /// The full URL of `path` with `query` (names and values encoded as the signature encodes them).
    func url(path: String, query: [(name: String, value: String)]) -> String {
        let base = "\(scheme)://\(hostHeader)\(path)"
        guard !query.isEmpty else { return base }
        let text = query.map {
            "\(S3URIEncoding.encode($0.name, keepingSlashes: false))=\(S3URIEncoding.encode($0.value, keepingSlashes: false))"
        }
        return base + "?" + text.joined(separator: "&")
    }
}

/// An S3 setting that cannot work, said in words for the start-up message.
public struct S3ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
