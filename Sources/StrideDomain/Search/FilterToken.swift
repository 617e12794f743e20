/// A lexical unit of a search filter, with its character offset for error messages.
struct FilterToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// `[entity.]key`; `entity` is nil when the identifier has no prefix.
        case identifier(entity: String?, key: String)
        case string(String)
        case number(Double)
        case comparison(String)
        case keyword(String)
        case leftParen
        case rightParen
        case comma
    }

    var kind: Kind
    var offset: Int
    /// SQL reads `"text"` as an identifier and `'text'` as a value; MLflow accepts both readings.
    var isDoubleQuoted = false
}
