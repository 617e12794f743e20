import Foundation

/// A rejected filter shown back to the user, with the character the parser stopped at marked.
struct FilterErrorView: Sendable {
    var message: String
    var before: String
    var marked: String
    var after: String
    var hasPosition: Bool

    /// Reads the 0-based position the search language's messages name ("… at position 12").
    init(message: String, filter: String) {
        self.message = message
        let scalars = Array(filter.unicodeScalars)
        guard let position = Self.position(in: message), position <= scalars.count else {
            before = filter
            marked = ""
            after = ""
            hasPosition = false
            return
        }
        let end = min(position + 1, scalars.count)
        before = Self.text(scalars[..<position])
        marked = position < scalars.count ? Self.text(scalars[position..<end]) : " "
        after = Self.text(scalars[end...])
        hasPosition = true
    }

    private static func position(in message: String) -> Int? {
        guard let range = message.range(of: "position ") else { return nil }
        return Int(String(message[range.upperBound...].prefix { $0.isNumber }))
    }

    private static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        return text
    }
}
