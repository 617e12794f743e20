/// Why the server (or an administration command) could not start, in one sentence that names the
/// flag, path or port concerned and the cause in words; `stride` prints it and exits non-zero.
public struct StartupFailure: Error, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
