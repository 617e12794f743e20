import Testing

@testable import StrideS3Artifacts

/// The signer against AWS's published examples: the SigV4 test suite (`get-vanilla` and friends,
/// service `service`) and the S3 developer guide's GetObject, ListObjects and presigned-URL examples.
@Suite struct SignatureV4Tests {
    static let suiteSigner = SignatureV4(
        credentials: S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")
    /// 2015-08-30T12:36:00Z.
    static let suiteTime = UTCTimestamp(secondsSinceEpoch: 1_440_938_160)

    static let s3Signer = SignatureV4(
        credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    /// 2013-05-24T00:00:00Z.
    static let s3Time = UTCTimestamp(secondsSinceEpoch: 1_369_353_600)

    static func authorization(_ headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name == "Authorization" }?.value
    }

    @Test func timestampsAreWrittenInBasicFormat() {
        #expect(Self.suiteTime.basicDateTime == "20150830T123600Z")
        #expect(Self.s3Time.basicDate == "20130524")
        #expect(UTCTimestamp(secondsSinceEpoch: 951_782_400).basicDate == "20000229")
    }

    @Test func getVanillaMatchesTheTestSuite() {
        let request = SignatureV4.Request(
            method: "GET", path: "/", query: [], headers: [("Host", "example.amazonaws.com")], payloadHash: SignatureV4.emptyPayloadHash)
        #expect(
            Self.authorization(Self.suiteSigner.authorizationHeaders(for: request, at: Self.suiteTime))
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func queryParametersAreSortedByName() {
        let request = SignatureV4.Request(
            method: "GET", path: "/", query: [("Param2", "value2"), ("Param1", "value1")], headers: [("Host", "example.amazonaws.com")],
            payloadHash: SignatureV4.emptyPayloadHash)
        #expect(
            Self.authorization(Self.suiteSigner.authorizationHeaders(for: request, at: Self.suiteTime))?.hasSuffix(
                "Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500") == true)
    }

    @Test func postVanillaMatchesTheTestSuite() {
        let request = SignatureV4.Request(
            method: "POST", path: "/", query: [], headers: [("Host", "example.amazonaws.com")], payloadHash: SignatureV4.emptyPayloadHash)
        #expect(
            Self.authorization(Self.suiteSigner.authorizationHeaders(for: request, at: Self.suiteTime))?.hasSuffix(
                "Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b") == true)
    }

    @Test func rangedGetObjectMatchesTheS3Example() {
        let request = SignatureV4.Request(
            method: "GET", path: "/test.txt", query: [],
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"), ("x-amz-content-sha256", SignatureV4.emptyPayloadHash)],
            payloadHash: SignatureV4.emptyPayloadHash)
        #expect(
            Self.authorization(Self.s3Signer.authorizationHeaders(for: request, at: Self.s3Time))
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func listObjectsMatchesTheS3Example() {
        let request = SignatureV4.Request(
            method: "GET", path: "/", query: [("max-keys", "2"), ("prefix", "J")],
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-content-sha256", SignatureV4.emptyPayloadHash)],
            payloadHash: SignatureV4.emptyPayloadHash)
        #expect(
            Self.authorization(Self.s3Signer.authorizationHeaders(for: request, at: Self.s3Time))?.hasSuffix(
                "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func presignedGetMatchesTheS3Example() {
        let request = SignatureV4.Request(
            method: "GET", path: "/test.txt", query: [], headers: [("Host", "examplebucket.s3.amazonaws.com")],
            payloadHash: SignatureV4.unsignedPayload)
        let query = Self.s3Signer.presignedQuery(for: request, at: Self.s3Time, expiresSeconds: 86_400)
        #expect(query.first { $0.name == "X-Amz-Signature" }?.value == "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
        #expect(query.first { $0.name == "X-Amz-Credential" }?.value == "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request")
    }

    @Test func aSessionTokenIsSentAndSigned() {
        var signer = Self.s3Signer
        signer.credentials.sessionToken = "token/with+symbols"
        let request = SignatureV4.Request(
            method: "GET", path: "/k", query: [], headers: [("Host", "b.example")], payloadHash: SignatureV4.emptyPayloadHash)
        let headers = signer.authorizationHeaders(for: request, at: Self.s3Time)
        #expect(headers.contains { $0.name == "x-amz-security-token" && $0.value == "token/with+symbols" })
        #expect(Self.authorization(headers)?.contains("SignedHeaders=host;x-amz-date;x-amz-security-token") == true)
    }

    @Test func keysAreEncodedOnceKeepingSlashes() {
        #expect(S3URIEncoding.encode("runs/a b/ü~.txt", keepingSlashes: true) == "runs/a%20b/%C3%BC~.txt")
        #expect(S3URIEncoding.encode("a/b+c=", keepingSlashes: false) == "a%2Fb%2Bc%3D")
    }
}
