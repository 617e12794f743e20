import Foundation
public import StrideStore
public import StrideDomain

/// Opaque page tokens. Clients only echo them back, so the format is ours to choose.
public enum PageToken {
    /// MLflow's offset token, `base64('{"offset": N}')`, kept for searches.
    public static func encode(offset: Int) -> String {
        Data("{\"offset\": \(offset)}".utf8).base64EncodedString()
    }

    public static func decodeOffset(_ token: String) throws(StrideError) -> Int {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let offset = object["offset"] as? Int, offset >= 0, offset <= Limits.maxPageOffset
        else {
            throw .invalidParameter("Invalid page token, could not base64-decode")
        }
        return offset
    }

    /// Keyset token for run search: the sort key of the last run returned, as
    /// `r1|<segment>|<value>|...` with each value typed (`n`, `i<int>`, `d<bit pattern>`,
    /// `s<base64 text>`) so it round-trips exactly.
    public static func encode(_ cursor: RunSearchCursor) -> String {
        let values = cursor.values.map { value -> String in
            switch value {
            case .null: "n"
            case .integer(let integer): "i\(integer)"
            case .real(let real): "d\(real.bitPattern)"
            case .text(let text): "s" + Data(text.utf8).base64EncodedString()
            }
        }
        return Data((["r1", String(cursor.segment)] + values).joined(separator: "|").utf8).base64EncodedString()
    }

    public static func decodeRunCursor(_ token: String) throws(StrideError) -> RunSearchCursor {
        let invalid = StrideError.invalidParameter("Invalid page token '\(token)'.")
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { throw invalid }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0] == "r1", let segment = Int(parts[1]), segment >= 0 else { throw invalid }
        var values: [SortValue] = []
        for part in parts.dropFirst(2) {
            let payload = part.dropFirst()
            switch part.first {
            case "n" where payload.isEmpty: values.append(.null)
            case "i": guard let integer = Int64(payload) else { throw invalid }; values.append(.integer(integer))
            case "d": guard let bits = UInt64(payload) else { throw invalid }; values.append(.real(Double(bitPattern: bits)))
            case "s":
                guard let bytes = Data(base64Encoded: String(payload)), let decoded = String(data: bytes, encoding: .utf8) else { throw invalid }
                values.append(.text(decoded))
            default: throw invalid
            }
        }
        return RunSearchCursor(segment: segment, values: values)
    }

    /// Keyset token for metric history: the sort key of the last point returned.
    public static func encode(_ cursor: MetricCursor) -> String {
        let text = "m1:\(cursor.step):\(cursor.timestamp):\(cursor.value.bitPattern):\(cursor.isNaN ? 1 : 0)"
        return Data(text.utf8).base64EncodedString()
    }

    public static func decodeMetricCursor(_ token: String) throws(StrideError) -> MetricCursor {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else {
            throw .invalidParameter("Invalid page token '\(token)'.")
        }
        let parts = text.split(separator: ":")
        guard parts.count == 5, parts[0] == "m1", let step = Int64(parts[1]), let timestamp = Int64(parts[2]),
              let bits = UInt64(parts[3]), let nan = Int(parts[4])
        else {
            throw .invalidParameter("Invalid page token '\(token)'.")
        }
        return MetricCursor(step: step, timestamp: timestamp, value: Double(bitPattern: bits), isNaN: nan == 1)
    }
}
