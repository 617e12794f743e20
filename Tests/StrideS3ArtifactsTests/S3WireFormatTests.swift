import NIOCore
import Testing

@testable import StrideS3Artifacts

@Suite("S3's wire details: XML answers, locations, endpoints and part cutting")
struct S3WireFormatTests {
    @Test("a ListObjectsV2 answer yields its objects, folders and escaped names")
    func listAnswer() {
        let text = S3XML.Fragment("""
            <ListBucketResult><Prefix>p/</Prefix><IsTruncated>true</IsTruncated>\
            <Contents><Key>p/a &amp; b.txt</Key><Size>12</Size></Contents>\
            <CommonPrefixes><Prefix>p/dir/</Prefix></CommonPrefixes>\
            <NextContinuationToken>tok&#x2F;1</NextContinuationToken></ListBucketResult>
            """)
        #expect(S3XML.elements("Contents", in: text).compactMap { S3XML.value("Key", in: $0) } == ["p/a & b.txt"])
        #expect(S3XML.elements("CommonPrefixes", in: text).compactMap { S3XML.value("Prefix", in: $0) } == ["p/dir/"])
        #expect(S3XML.value("NextContinuationToken", in: text) == "tok/1")
        #expect(S3XML.escaped("<a&'\">") == "&lt;a&amp;&apos;&quot;&gt;")
    }

    @Test("s3:// URIs give a bucket and a prefix without slashes at either end")
    func locations() {
        #expect(S3Location(uri: "s3://my-bucket/some/prefix/") == S3Location(bucket: "my-bucket", prefix: "some/prefix"))
        #expect(S3Location(uri: "s3://my-bucket")?.description == "s3://my-bucket")
        #expect(S3Location(uri: "s3://Bad_Bucket/x") == nil)
        #expect(S3Location(uri: "gs://bucket") == nil)
    }

    @Test("a custom endpoint is path-style by default; AWS is virtual-hosted")
    func endpoints() throws {
        let credentials = S3CredentialSource.fixed(S3Credentials(accessKeyID: "k", secretAccessKey: "s"))
        let minio = try S3Endpoint(
            S3Configuration(location: S3Location(bucket: "bkt"), endpointURL: "http://127.0.0.1:9000", credentials: credentials))
        #expect(minio.hostHeader == "127.0.0.1:9000")
        #expect(minio.url(path: minio.path(forKey: "a b/c"), query: [("uploadId", "x/y")]) == "http://127.0.0.1:9000/bkt/a%20b/c?uploadId=x%2Fy")
        let aws = try S3Endpoint(S3Configuration(location: S3Location(bucket: "bkt"), region: "eu-west-1", credentials: credentials))
        #expect(aws.hostHeader == "bkt.s3.eu-west-1.amazonaws.com")
        #expect(aws.path(forKey: "k") == "/k")
        #expect(throws: S3ConfigurationError.self) {
            try S3Endpoint(S3Configuration(location: S3Location(bucket: "bkt"), endpointURL: "ftp://x", credentials: credentials))
        }
    }

    @Test("bodies are cut into parts of exactly the part size, the rest kept for last")
    func partCutting() {
        var cutter = PartCutter(partBytes: 10)
        cutter.append(ByteBuffer(bytes: Array(0..<7)))
        #expect(cutter.ready.isEmpty)
        cutter.append(ByteBuffer(bytes: Array(7..<25)))
        #expect(cutter.takeReady().map { Array($0.readableBytesView) } == [Array(0..<10), Array(10..<20)])
        #expect(Array(cutter.finish().readableBytesView) == Array(20..<25))
    }

    @Test("Content-MD5 is standard padded base64")
    func base64() {
        #expect(Base64.encode(Array("Man".utf8)) == "TWFu")
        #expect(Base64.encode(Array("Ma".utf8)) == "TWE=")
        #expect(Base64.encode(Array("M".utf8)) == "TQ==")
    }
}
