import Foundation
import Hummingbird
import NIOCore
import StrideDomain

/// Fields of an `application/x-www-form-urlencoded` text: a query string or a POSTed form.
///
/// Hummingbird's query parameters leave `+` undecoded, but browsers encode a space in a GET form
/// as `+`, so the UI reads both query strings and form bodies here.
struct FormFields: Sendable {
    private var pairs: [(name: String, value: String)]

    init(urlEncoded text: String?) {
        pairs = (text ?? "").split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// Reads a POSTed form of at most `Limits.maxFormBodyBytes`: a larger one, or one that breaks
    /// off, is the client's error and renders as a 400 page.
    static func read(_ request: Request) async throws(StrideError) -> FormFields {
        do {
            return FormFields(urlEncoded: String(buffer: try await request.body.collect(upTo: Limits.maxFormBodyBytes)))
        } catch is NIOTooManyBytesError {
            throw StrideError.invalidParameter("The form is larger than \(Limits.maxFormBodyBytes / 1024) KB.")
        } catch {
            throw StrideError(.badRequest, "The form was not received completely.")
        }
    }

    /// The first value of `name`, nil when absent.
    subscript(_ name: String) -> String? {
        pairs.first { $0.name == name }?.value
    }

    /// The first non-empty value of `name` after trimming whitespace.
    func nonEmpty(_ name: String) -> String? {
        self[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every value of a repeated field, in order.
    func all(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }

    /// Every non-empty value of a repeated field, once each, in first-seen order.
    func distinct(_ name: String) -> [String] {
        var seen = Set<String>()
        return all(name).filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
