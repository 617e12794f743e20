/// A key and a string value: the shape of params, run tags, experiment tags and input tags.
public struct KeyValue: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// A run parameter; immutable once logged.
public typealias Param = KeyValue
/// A run or experiment tag; overwritten by a later write.
public typealias Tag = KeyValue

/// Keeps the last value for each key, in first-seen order: a request naming a tag twice sets it
/// once, to the later value, as MLflow's stores do.
public func uniqueByKey(_ pairs: [KeyValue]) -> [KeyValue] {
    var order: [String] = []
    var values: [String: String] = [:]
    for pair in pairs {
        if values[pair.key] == nil { order.append(pair.key) }
        values[pair.key] = pair.value
    }
    return order.map { KeyValue(key: $0, value: values[$0] ?? "") }
}
