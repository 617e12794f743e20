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
              let offset = object["offset"] as? Int, offset >= 0
        else {
            throw .invalidParameter("Invalid page token, could not base64-decode")
        }
        return offset
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
