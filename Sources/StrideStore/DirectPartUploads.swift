public import StrideDomain

/// An artifact store whose multipart parts clients may send straight to the storage, bypassing the
/// server, as MLflow's S3 store hands out presigned part URLs.
public protocol DirectPartUploads: Sendable {
    /// One URL per part `1...partCount` of an upload `createMultipartUpload` opened for
    /// `destination`; nil when parts go through the server (the store was told to proxy them).
    func directPartURLs(for upload: MultipartUploadID, destination: ArtifactPath, partCount: Int) async throws -> [String]?
}
