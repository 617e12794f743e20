public import AsyncHTTPClient
public import Logging
public import NIOCore
public import StrideDomain
public import StrideStore

/// Artifacts in an S3-compatible bucket below a key prefix: `<prefix>/<artifact path>`.
///
/// Folders are key prefixes, as in every S3 tool; an upload becomes visible only once complete
/// (one `PutObject`, or a multipart upload that is aborted on failure), and reads stream with `Range`.
/// Failures the bucket causes (refused credentials, a missing bucket, an endpoint down through every
/// retry) surface as `ArtifactStorageUnavailable` with the reason, never as a client error.
public struct S3ArtifactStore: ArtifactStore {
    let client: S3Client
    /// The key prefix of the store's root: empty, or ending in `/`.
    let rootPrefix: String
    /// False keeps multipart parts flowing through the server (``DirectPartUploads``).
    let presignsParts: Bool
    /// Keys per `ListObjectsV2` page (S3's maximum; tests lower it to cross pages).
    var listPageSize = 1000

    /// Uploads of at least this size go as a multipart upload of parts this large; smaller ones
    /// in one `PutObject`. Memory per upload is bounded by `(1 + maxPartsInFlight)` parts.
    static let partBytes = 8 * 1024 * 1024
    /// The largest object one `PutObject` may create (S3's limit); a longer body goes in parts.
    static let maxSingleRequestBytes: Int64 = 5 * 1024 * 1024 * 1024
    /// Parts of one upload sent at once while the next is read from the client.
    static let maxPartsInFlight = 2
    /// Where multipart manifests live, hidden from listings and refused as a path, as on local disk.
    static let stagingName = ".stride-uploads"

    /// A store over `client`'s bucket and prefix.
    public init(client: S3Client, presignsParts: Bool = true) {
        self.client = client
        let prefix = client.configuration.location.prefix
        self.rootPrefix = prefix.isEmpty ? "" : prefix + "/"
        self.presignsParts = presignsParts
    }

    /// `s3://bucket/prefix`, the root as artifact URIs spell it.
    public var rootURI: String { client.configuration.location.description }

    /// Lists the root once, so a refusing or missing bucket is named at start-up.
    public func checkReachable() async throws {
        try await mapped { try await client.checkBucket() }
    }

    /// The object key of `path`; the staging folder is refused, as on local disk, so no request reaches a manifest.
    func key(_ path: ArtifactPath) throws(StrideError) -> String {
        if path.segments.first == Self.stagingName {
            throw .invalidParameter("Invalid path '\(path)': '\(Self.stagingName)' is reserved by Stride")
        }
        return rootPrefix + path.description
    }

    /// The prefix of every key below `path`.
    func directoryPrefix(_ path: ArtifactPath) throws(StrideError) -> String {
        path.isRoot ? rootPrefix : try key(path) + "/"
    }

    // MARK: Reading

    public func item(at path: ArtifactPath) async throws -> ArtifactItem? {
        if path.isRoot { return .directory }
        let key = try self.key(path)
        return try await mapped {
            if let size = try await client.objectSize(key) { return .file(size: size) }
            let page = try await client.listObjects(prefix: key + "/", delimiter: nil, maxKeys: 1)
            return page.objects.isEmpty ? nil : .directory
        }
    }

    public func list(_ path: ArtifactPath) async throws -> [ArtifactEntry]? {
        let prefix = try directoryPrefix(path)
        var entries: [ArtifactEntry] = []
        var token: String?
        try await mapped {
            repeat {
                let page = try await client.listObjects(prefix: prefix, delimiter: "/", maxKeys: listPageSize, continuationToken: token)
                for object in page.objects {
                    let name = String(object.key.dropFirst(prefix.count))
                    if !name.isEmpty { entries.append(ArtifactEntry(name: name, item: .file(size: object.size))) }
                }
                for folder in page.commonPrefixes {
                    let name = String(folder.dropFirst(prefix.count).dropLast())
                    if name.isEmpty || (path.isRoot && name == Self.stagingName) { continue }
                    entries.append(ArtifactEntry(name: name, item: .directory))
                }
                token = page.nextContinuationToken
            } while token != nil
        }
        if entries.isEmpty && !path.isRoot { return nil }
        return entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    public func read(_ path: ArtifactPath, range: Range<Int64>, into sink: (ByteBuffer) async throws -> Void) async throws {
        guard !range.isEmpty else {
            guard case .file = try await item(at: path) else { throw Self.missing(path) }
            return
        }
        let key = try self.key(path)
        try await mapped {
            do {
                try await client.getObject(key, range: range, into: sink)
            } catch let refusal as S3ServiceError where refusal.code == "NoSuchKey" {
                throw Self.missing(path)
            }
        }
    }

    // MARK: Writing

    @discardableResult
    public func write(_ path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error>) async throws -> Int64 {
        try await checkWritable(path)
        let key = try self.key(path)
        return try await mapped {
            var parts = PartCutter(partBytes: Self.partBytes)
            var chunks = body.makeAsyncIterator()
            // Read up to one part: a smaller body is one PutObject.
            while parts.ready.isEmpty, let chunk = try await chunks.next() { parts.append(chunk) }
            if parts.ready.isEmpty {
                let whole = parts.finish()
                try await client.putObject(key, body: whole)
                return Int64(whole.readableBytes)
            }
            return try await uploadInParts(key, parts: parts, rest: &chunks)
        }
    }

    /// A body of declared length goes on to the bucket as it arrives, in one `PutObject`: no part is
    /// cut, buffered or joined, and memory stays at the HTTP stacks' buffers. Small bodies keep the
    /// buffered path, whose `PutObject` can be retried; signed payloads need the bytes up front.
    @discardableResult
    public func write(_ path: ArtifactPath, body: some AsyncSequence<ByteBuffer, any Error> & Sendable, declaredLength: Int64) async throws -> Int64 {
        guard declaredLength >= Int64(Self.partBytes), declaredLength <= Self.maxSingleRequestBytes, !client.configuration.signsPayloads else {
            return try await write(path, body: body)
        }
        try await checkWritable(path)
        let key = try self.key(path)
        try await mapped { try await client.putObject(key, streaming: body, length: declaredLength) }
        return declaredLength
    }

    /// The multipart upload of a body longer than one part; aborted, so nothing appears, on any failure.
    private func uploadInParts<Chunks: AsyncIteratorProtocol<ByteBuffer, any Error>>(
        _ key: String, parts: PartCutter, rest chunks: inout Chunks
    ) async throws -> Int64 {
        let uploadID = try await client.createMultipartUpload(key)
        var parts = parts
        do {
            var receipts: [(number: Int, etag: String)] = []
            var total: Int64 = 0
            try await withThrowingTaskGroup(of: (number: Int, etag: String).self) { group in
                var nextNumber = 1
                var inFlight = 0
                var finished = false
                while !finished {
                    while parts.ready.isEmpty, !finished {
                        if let chunk = try await chunks.next() { parts.append(chunk) } else { finished = true }
                    }
                    var outgoing = parts.takeReady()
                    if finished {
                        let last = parts.finish()
                        if last.readableBytes > 0 { outgoing.append(last) }
                    }
                    for part in outgoing {
                        guard nextNumber <= Self.maxPartCount else {
                            throw StrideError.invalidParameter("The artifact is too large: more than \(Self.maxPartCount) parts of \(Self.partBytes) bytes")
                        }
                        if inFlight >= Self.maxPartsInFlight, let done = try await group.next() {
                            receipts.append(done)
                            inFlight -= 1
                        }
                        let number = nextNumber
                        nextNumber += 1
                        total += Int64(part.readableBytes)
                        group.addTask { (number, try await client.uploadPart(key, uploadID: uploadID, partNumber: number, body: part)) }
                        inFlight += 1
                    }
                }
                for try await done in group { receipts.append(done) }
            }
            try await client.completeMultipartUpload(key, uploadID: uploadID, parts: receipts.sorted { $0.number < $1.number })
            return total
        } catch {
            // Best effort, off the request's path: with the bucket down it would only delay the answer.
            // An upload left open is invisible; a bucket lifecycle rule removes what remains.
            let client = self.client
            Task { try? await client.abortMultipartUpload(key, uploadID: uploadID) }
            throw error
        }
    }

    public func delete(_ path: ArtifactPath) async throws {
        let prefix = try directoryPrefix(path)
        try await mapped {
            if !path.isRoot { try await client.deleteObject(try key(path)) }
            // Always from the start: what was listed is gone by the next page.
            while true {
                let page = try await client.listObjects(prefix: prefix, delimiter: nil, maxKeys: S3Client.maxKeysPerDelete)
                guard !page.objects.isEmpty else { return }
                try await client.deleteObjects(page.objects.map(\.key))
            }
        }
    }

    /// Refuses a write before its body is read when the target is a folder or lies below a file,
    /// as the local store does; the checks run at once, so they cost one round trip.
    func checkWritable(_ path: ArtifactPath) async throws {
        _ = try key(path)
        let ancestors = (1..<max(path.segments.count, 1)).map { path.prefix($0) }
        let blocking: ArtifactPath? = try await mapped {
            try await withThrowingTaskGroup(of: ArtifactPath?.self) { group in
                for ancestor in ancestors {
                    let ancestorKey = try key(ancestor)
                    group.addTask { try await client.objectSize(ancestorKey) != nil ? ancestor : nil }
                }
                var first: ArtifactPath?
                for try await found in group {
                    if let found, found.segments.count < first?.segments.count ?? Int.max { first = found }
                }
                return first
            }
        }
        if let blocking {
            throw StrideError.invalidParameter("Cannot write '\(path)': '\(blocking)' is a file, not a directory")
        }
        if !path.isRoot, try await item(at: path) == .directory {
            throw StrideError.invalidParameter("Cannot write '\(path)': it is a directory")
        }
    }

    // MARK: Failures

    /// Runs `operation`, turning the bucket's failures into `ArtifactStorageUnavailable` (the
    /// reason kept for the log); client mistakes (`StrideError`) pass unchanged.
    func mapped<Result>(_ operation: () async throws -> Result) async throws -> Result {
        do {
            return try await operation()
        } catch let refusal as S3ServiceError {
            throw ArtifactStorageUnavailable(reason: "\(refusal) (bucket \(client.configuration.location.bucket))")
        } catch let unreachable as S3Unreachable {
            throw ArtifactStorageUnavailable(reason: unreachable.description)
        }
    }

    static func missing(_ path: ArtifactPath) -> StrideError {
        .notFound("No such artifact: '\(path)'")
    }
}

/// Cuts a stream of chunks into parts of exactly `partBytes` (the last one shorter), copying each
/// byte once; only whole parts and one part being filled are held.
struct PartCutter {
    let partBytes: Int
    private(set) var ready: [ByteBuffer] = []
    private var filling: ByteBuffer

    init(partBytes: Int) {
        self.partBytes = partBytes
        self.filling = ByteBufferAllocator().buffer(capacity: 0)
    }

    mutating func append(_ chunk: ByteBuffer) {
        var chunk = chunk
        while chunk.readableBytes > 0 {
            if filling.capacity == 0 { filling = ByteBufferAllocator().buffer(capacity: min(partBytes, max(chunk.readableBytes, 64 * 1024))) }
            let take = min(partBytes - filling.readableBytes, chunk.readableBytes)
            guard var slice = chunk.readSlice(length: take) else { return }
            filling.writeBuffer(&slice)
            if filling.readableBytes == partBytes {
                ready.append(filling)
                filling = ByteBufferAllocator().buffer(capacity: 0)
            }
        }
    }

    /// The whole parts so far, removed.
    mutating func takeReady() -> [ByteBuffer] {
        defer { ready = [] }
        return ready
    }

    /// The bytes after the last whole part.
    mutating func finish() -> ByteBuffer {
        defer { filling = ByteBufferAllocator().buffer(capacity: 0) }
        return filling
    }
}
