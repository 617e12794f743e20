import HTTPTypes
import Hummingbird
import NIOCore
import StrideMLflowAPI
import Testing

@Suite("The body length a request declares")
struct DeclaredContentLengthTests {
    private func request(_ contentLengths: [String]) -> Request {
        var fields = HTTPFields()
        for value in contentLengths { fields.append(HTTPField(name: .contentLength, value: value)) }
        fields[.contentType] = "application/json"
        return Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/", headerFields: fields),
            body: RequestBody(buffer: ByteBuffer()))
    }

    @Test("one decimal Content-Length is the declared length")
    func one() {
        #expect(request(["1234"]).declaredContentLength == 1234)
        #expect(request(["0"]).declaredContentLength == 0)
    }

    @Test("no field, several fields, or a value that is not a number declare nothing")
    func none() {
        #expect(request([]).declaredContentLength == nil)
        #expect(request(["5", "5"]).declaredContentLength == nil)
        #expect(request(["five"]).declaredContentLength == nil)
        #expect(request(["-"]).declaredContentLength == nil)
        #expect(request(["99999999999999999999999"]).declaredContentLength == nil)
    }
}
