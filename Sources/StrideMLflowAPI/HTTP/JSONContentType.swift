public import Hummingbird

extension Request {
    /// Whether the request's first `Content-Type` field says JSON as MLflow reads it: the value up to
    /// its first `;` is exactly `application/json` (so `application/json; charset=utf-8` is JSON,
    /// `Application/JSON` is not); nil without the field.
    ///
    /// Read on every POST; `headers[.contentType]` joins all fields of the name into a new string
    /// first, which a profile of small writes showed.
    var declaresJSONBody: Bool? {
        guard let field = headers.first(where: { $0.name == .contentType }) else { return nil }
        let mediaType = field.value.utf8.prefix { $0 != UInt8(ascii: ";") }
        return mediaType.elementsEqual("application/json".utf8)
    }
}
