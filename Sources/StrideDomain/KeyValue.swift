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
