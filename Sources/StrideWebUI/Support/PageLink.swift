import Foundation

/// Builds a same-site link whose query carries a view's state, so a link reproduces the view.
struct PageLink: Sendable {
    var path: String
    private(set) var items: [(String, String)] = []

    init(_ path: String) {
        self.path = path
    }

    /// Adds `name=value`, skipping nil and empty values so default state keeps links short.
    func with(_ name: String, _ value: String?) -> PageLink {
        guard let value, !value.isEmpty else { return self }
        var copy = self
        copy.items.append((name, value))
        return copy
    }

    func with(_ name: String, all values: [String]) -> PageLink {
        values.reduce(self) { $0.with(name, $1) }
    }

    var url: String {
        guard !items.isEmpty else { return path }
        return path + "?" + items.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    /// A path segment such as a model name: every reserved character, `/` included, is escaped.
    static func segment(_ text: String) -> String {
        encode(text)
    }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }
}
