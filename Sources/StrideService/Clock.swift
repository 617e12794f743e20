import Foundation

/// The time source for timestamps the server assigns, in milliseconds since the epoch.
public protocol TimeSource: Sendable {
    func nowMilliseconds() -> Int64
}

/// Wall-clock time.
public struct SystemTimeSource: TimeSource {
    public init() {}

    public func nowMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
