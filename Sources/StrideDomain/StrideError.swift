/// A failure the API reports to its caller, carrying one of MLflow's error codes.
///
/// Every layer throws this type for conditions a client can cause; the wire layer maps the code to
/// MLflow's HTTP status. Anything else that escapes is a server fault.
public struct StrideError: Error, Sendable, Equatable, CustomStringConvertible {
    /// MLflow's `ErrorCode` names; the set is open so later features can add codes.
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let invalidParameterValue = Code(rawValue: "INVALID_PARAMETER_VALUE")
        public static let badRequest = Code(rawValue: "BAD_REQUEST")
        public static let resourceAlreadyExists = Code(rawValue: "RESOURCE_ALREADY_EXISTS")
        public static let resourceDoesNotExist = Code(rawValue: "RESOURCE_DOES_NOT_EXIST")
        public static let endpointNotFound = Code(rawValue: "ENDPOINT_NOT_FOUND")
        public static let invalidState = Code(rawValue: "INVALID_STATE")
        public static let internalError = Code(rawValue: "INTERNAL_ERROR")
        public static let notImplemented = Code(rawValue: "NOT_IMPLEMENTED")
        public static let unauthenticated = Code(rawValue: "UNAUTHENTICATED")
        public static let permissionDenied = Code(rawValue: "PERMISSION_DENIED")
        public static let temporarilyUnavailable = Code(rawValue: "TEMPORARILY_UNAVAILABLE")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// Shorthand for the most common failure: a request field with a bad value.
    public static func invalidParameter(_ message: String) -> StrideError {
        StrideError(.invalidParameterValue, message)
    }

    /// Shorthand for a lookup that found nothing.
    public static func notFound(_ message: String) -> StrideError {
        StrideError(.resourceDoesNotExist, message)
    }

    /// MLflow's wording for a required field that is absent or empty.
    public static func missingValue(_ field: String) -> StrideError {
        invalidParameter(
            "Missing value for required parameter '\(field)'. See the API docs for more information about request parameters.")
    }
}
