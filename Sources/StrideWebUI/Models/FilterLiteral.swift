import Foundation

/// A user's text as a string literal of the search language, for the UI's own name filters.
enum FilterLiteral {
    /// Quoted with whichever quote the text does not contain; a text with both loses its single quotes.
    static func quoted(_ text: String) -> String {
        if !text.contains("'") { return "'" + text + "'" }
        if !text.contains("\"") { return "\"" + text + "\"" }
        return "'" + text.replacingOccurrences(of: "'", with: "") + "'"
    }
}
