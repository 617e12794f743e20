/// The id of one multipart artifact upload: 32 lowercase hex characters, like a run id.
///
/// It names a staging folder on disk, so parsing admits nothing but hex digits.
public struct MultipartUploadID: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    /// A fresh random id.
    public static func make() -> MultipartUploadID {
        MultipartUploadID(trusted: RunIDGenerator.make())
    }

    private init(trusted value: String) {
        self.value = value
    }

    /// Parses an id from the wire; anything but 32 hex digits is `INVALID_PARAMETER_VALUE`.
    public init(parsing text: String) throws(StrideError) {
        let isHex = text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
        guard text.utf8.count == 32, isHex else {
            throw .invalidParameter("Invalid upload_id '\(text)'")
        }
        self.value = text
    }

    public var description: String { value }
}
