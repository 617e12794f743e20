import Foundation
public import Logging

/// How `stride server` writes a log event: one line, newline included.
public protocol LogLineFormat: Sendable {
    static func line(_ event: LogEvent, label: String, metadata: Logger.Metadata) -> String
}

/// Writes each event as one line on standard error in `Format`. The logger's metadata is kept as it
/// is set and formatted only when a line is written: Hummingbird sets the request id on every
/// request's logger, and at the default level most requests write no line.
public struct StandardErrorLogHandler<Format: LogLineFormat>: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        FileHandle.standardError.write(Data(Format.line(event, label: label, metadata: metadata).utf8))
    }
}
