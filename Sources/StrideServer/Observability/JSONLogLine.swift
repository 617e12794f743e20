import Foundation
public import Logging

/// `--log-format json`.
public typealias JSONLogHandler = StandardErrorLogHandler<JSONLogLine>

/// One JSON object per line with the time, level, label, message and metadata; a request's lines
/// carry its id as `request_id` (the `X-Request-Id` the response carries).
public enum JSONLogLine: LogLineFormat {
    public static func line(_ event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        line(event, label: label, metadata: metadata, at: Date())
    }

    /// The line for one event, newline included.
    static func line(_ event: LogEvent, label: String, metadata: Logger.Metadata, at time: Date) -> String {
        var fields: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new }) {
            fields[key == "hb.request.id" ? "request_id" : key] = value.description
        }
        fields["time"] = time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["message"] = event.message.description
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
