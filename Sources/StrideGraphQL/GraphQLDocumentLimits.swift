import GraphQL
import StrideDomain

/// MLflow's guards on a GraphQL document (its `graphql_no_batching` check), applied before
/// validation: operation depth, total selections, root fields (how many queries one request
/// batches) and aliases per selection set, each refused with MLflow's message.
///
/// Stride adds one bound MLflow leaves to its parser: brackets may nest only so deep, checked on
/// the raw text, because the parser recurses once per level.
enum GraphQLDocumentLimits {
    /// Why the raw document may not be parsed, or nil.
    static func nestingViolation(in text: String) -> String? {
        var depth = 0
        var bytes = text.utf8.makeIterator()
        var inString = false, inComment = false, escaped = false
        while let byte = bytes.next() {
            if inComment {
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { inComment = false }
            } else if inString {
                // Block strings ("""...""") read as a run of empty strings and plain text here,
                // which only ever undercounts brackets inside them: still a sound bound.
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") {
                    inString = false
                }
            } else {
                switch byte {
                case UInt8(ascii: "#"): inComment = true
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "("), UInt8(ascii: "["):
                    depth += 1
                    if depth > Limits.maxGraphQLNesting {
                        return "Query exceeds maximum nesting of \(Limits.maxGraphQLNesting) brackets"
                    }
                case UInt8(ascii: "}"), UInt8(ascii: ")"), UInt8(ascii: "]"): depth = max(0, depth - 1)
                default: break
                }
            }
        }
        return nil
    }

    /// MLflow's message for the first limit the parsed document exceeds, or nil.
    static func violation(in document: Document) -> String? {
        let fragments = Dictionary(
            document.definitions.compactMap { $0 as? FragmentDefinition }.map { ($0.name.value, $0) }, uniquingKeysWith: { first, _ in first })
        var rootFields = 0, maxAliases = 0, selections = 0
        for case let operation as OperationDefinition in document.definitions {
            var pending: [(set: SelectionSet, depth: Int)] = [(operation.selectionSet, 1)]
            while let (set, depth) = pending.popLast() {
                if depth > Limits.maxGraphQLQueryDepth {
                    return "Query exceeds maximum depth of \(Limits.maxGraphQLQueryDepth)"
                }
                let (fields, aliases) = fieldsAndAliases(of: set, fragments: fragments)
                for field in fields {
                    if depth == 1 { rootFields += 1 }
                    if let child = field.selectionSet { pending.append((child, depth + 1)) }
                    selections += 1
                    if selections > Limits.maxGraphQLSelections {
                        return "Query exceeds maximum total selections of \(Limits.maxGraphQLSelections)"
                    }
                }
                maxAliases = max(maxAliases, aliases)
            }
        }
        if rootFields > Limits.maxGraphQLRootFields {
            return "GraphQL queries should have at most \(Limits.maxGraphQLRootFields) root fields, got \(rootFields) root fields."
        }
        if maxAliases > Limits.maxGraphQLAliases {
            return "GraphQL queries should have at most \(Limits.maxGraphQLAliases) aliases, got \(maxAliases) aliases."
        }
        // Fragments no operation uses are not executed, but validation still walks them.
        if fieldCount(ofFragments: fragments.values) > Limits.maxGraphQLSelections {
            return "Query exceeds maximum total selections of \(Limits.maxGraphQLSelections)"
        }
        return nil
    }

    /// The fields of one selection level with inline fragments and fragment spreads merged in (each
    /// fragment once), and the number of aliases among them: aliases spread over sibling fragments
    /// count together.
    private static func fieldsAndAliases(of set: SelectionSet, fragments: [String: FragmentDefinition]) -> (fields: [Field], aliases: Int) {
        var fields: [Field] = []
        var aliases = 0
        var visited: Set<String> = []
        var pending = set.selections
        while let selection = pending.popLast() {
            switch selection {
            case let field as Field:
                fields.append(field)
                if field.alias != nil { aliases += 1 }
            case let inline as InlineFragment:
                pending.append(contentsOf: inline.selectionSet.selections)
            case let spread as FragmentSpread:
                if visited.insert(spread.name.value).inserted, let fragment = fragments[spread.name.value] {
                    pending.append(contentsOf: fragment.selectionSet.selections)
                }
            default:
                break
            }
        }
        return (fields, aliases)
    }

    /// Fields written in fragment definitions, counted once each.
    private static func fieldCount(ofFragments fragments: some Sequence<FragmentDefinition>) -> Int {
        var count = 0
        var pending = fragments.map(\.selectionSet)
        while let set = pending.popLast() {
            for selection in set.selections {
                switch selection {
                case let field as Field:
                    count += 1
                    if let child = field.selectionSet { pending.append(child) }
                case let inline as InlineFragment:
                    pending.append(inline.selectionSet)
                default:
                    break
                }
            }
        }
        return count
    }
}
