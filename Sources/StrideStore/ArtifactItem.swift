/// What a path in an artifact store names.
public enum ArtifactItem: Sendable, Equatable {
    case file(size: Int64)
    case directory
}

/// One entry of an artifact directory listing: a base name and what it is.
public struct ArtifactEntry: Sendable, Equatable {
    public var name: String
    public var item: ArtifactItem

    public init(name: String, item: ArtifactItem) {
        self.name = name
        self.item = item
    }
}

/// What a client must send back for each part when it completes a multipart upload.
public struct MultipartPartReceipt: Sendable, Equatable {
    public var partNumber: Int
    /// An opaque tag for the part's content, sent to the client as the part's `ETag`.
    public var etag: String

    public init(partNumber: Int, etag: String) {
        self.partNumber = partNumber
        self.etag = etag
    }
}
