public import HTTPTypes

extension HTTPField.Name {
    /// `X-Request-Id`: every response carries the id its request's log lines carry.
    public static let requestID = HTTPField.Name("X-Request-Id")!
}
