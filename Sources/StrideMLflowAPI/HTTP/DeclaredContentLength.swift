public import Hummingbird

extension Request {
    /// The body length the request's one `Content-Length` field declares; nil without the field, with
    /// more than one, or when it is not a decimal number.
    ///
    /// Read on every request by several layers; `headers[.contentLength]` joins the values of all
    /// fields of the name into a new string first, which a profile of small writes showed.
    public var declaredContentLength: Int? {
        var declared: Int?
        for field in headers where field.name == .contentLength {
            guard declared == nil, let value = Int(field.value) else { return nil }
            declared = value
        }
        return declared
    }
}
