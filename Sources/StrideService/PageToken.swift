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

    /// Keyset token for run search: the last run's value of each order key, as `r2|<value>|...`
    /// with each value typed (`m` missing, `n` NaN, `d<bit pattern>` number, `t<ms>` time,
    /// `s<base64 text>` text) so it round-trips exactly. It names no backend's storage, so any
    /// backend and any instance continues it. (`r1` tokens named SQLite's query segments; they are
    /// refused as invalid and the client starts the search again.)
    public static func encode(_ cursor: RunSearchCursor) -> String {
        let values = cursor.values.map { value -> String in
            switch value {
            case .missing: "m"
            case .nan: "n"
            case .number(let number): "d\(number.bitPattern)"
            case .time(let time): "t\(time)"
            case .text(let text): "s" + Data(text.utf8).base64EncodedString()
            }
        }
        return Data((["r2"] + values).joined(separator: "|").utf8).base64EncodedString()
    }

    public static func decodeRunCursor(_ token: String) throws(StrideError) -> RunSearchCursor {
        let invalid = StrideError.invalidParameter("Invalid page token '\(token)'.")
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8) else { throw invalid }
        let parts = text.split(separator: "|", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0] == "r2" else { throw invalid }
        var values: [RunSortValue] = []
        for part in parts.dropFirst() {
            let payload = part.dropFirst()
            switch part.first {
            case "m" where payload.isEmpty: values.append(.missing)
            case "n" where payload.isEmpty: values.append(.nan)
            case "d": guard let bits = UInt64(payload) else { throw invalid }; values.append(.number(Double(bitPattern: bits)))
            case "t": guard let time = Int64(payload) else { throw invalid }; values.append(.time(time))
            case "s":
                guard let bytes = Data(base64Encoded: String(payload)), let decoded = String(data: bytes, encoding: .utf8) else { throw invalid }
                values.append(.text(decoded))
            default: throw invalid
            }
        }
        return RunSearchCursor(values: values)
    }

    /// Keyset token for metric history: the sort key of the last point returned, as
    /// `m1:<step>:<timestamp>:<value bits>:<1 for NaN>` (a NaN point writes 0 bits and 1, the
    /// format earlier versions wrote, so their tokens still continue).
    public static func encode(_ cursor: MetricCursor) -> String {
        let isNaN = cursor.value.isNaN
        let text = "m1:\(cursor.step):\(cursor.timestamp):\((isNaN ? 0 : cursor.value).bitPattern):\(isNaN ? 1 : 0)"
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
        return MetricCursor(step: step, timestamp: timestamp, value: nan == 1 ? .nan : Double(bitPattern: bits))
    }
}
