import Foundation
public import Logging

/// `--log-format text` (the default).
public typealias TextLogHandler = StandardErrorLogHandler<TextLogLine>

/// swift-log's standard-error line, `time level label: key=value … [source] message`. swift-log's own
/// `StreamLogHandler` formats its metadata every time a key is set, which was most of the logging's
/// cost per request at the default level.
public enum TextLogLine: LogLineFormat {
    public static func line(_ event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        line(event, label: label, metadata: metadata, timestamp: localTimestamp())
    }

    /// The line for one event at `timestamp`; the event's metadata wins over the logger's.
    static func line(_ event: LogEvent, label: String, metadata: Logger.Metadata, timestamp: String) -> String {
        var merged = metadata
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let pairs = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "\(timestamp) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(pairs) [\(event.source)] \(event.message)\n"
    }

    /// Local time to the second with its offset, as swift-log writes it (`2026-12-04T20:15:00+0000`).
    static func localTimestamp() -> String {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        let written = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(written).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
