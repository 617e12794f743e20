import CZlib
public import StrideDomain

/// Undoes an OTLP body's `Content-Encoding` (`gzip` or `deflate`, as OpenTelemetry's exporters send
/// it), refusing a body that would expand past a limit before it does.
public enum OTLPBodyDecompression {
    /// The body as sent when `encoding` is nil, empty or `identity`; otherwise inflated.
    public static func decode(_ body: [UInt8], encoding: String?, maxBytes: Int = Limits.maxOTLPDecompressedBytes) throws(StrideError) -> [UInt8] {
        switch encoding?.lowercased().trimmingSpaces() {
        case nil, "", "identity": return body
        case "gzip", "deflate": return try inflate(body, maxBytes: maxBytes)
        case let other?:
            throw .invalidParameter("Unsupported Content-Encoding '\(other.prefix(32))': expected gzip or deflate.")
        }
    }

    /// zlib's inflate with automatic gzip or zlib header detection (window bits 15 + 32).
    static func inflate(_ input: [UInt8], maxBytes: Int) throws(StrideError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .invalidParameter("Invalid compressed OpenTelemetry body.")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        var input = input
        input.withUnsafeMutableBufferPointer { buffer in
            stream.next_in = buffer.baseAddress
            stream.avail_in = UInt32(clamping: buffer.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(clamping: out.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: out.prefix(out.count - Int(stream.avail_out)))
                }
            } while status == Z_OK && output.count <= maxBytes && (stream.avail_in > 0 || stream.avail_out == 0)
        }
        guard output.count <= maxBytes else {
            throw .invalidParameter("The decompressed OpenTelemetry body exceeds \(maxBytes) bytes.")
        }
        guard status == Z_STREAM_END else { throw .invalidParameter("Invalid compressed OpenTelemetry body.") }
        return output
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(unicodeScalars.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed().map(Character.init))
    }
}
