import StrideDomain

/// A trace's request or response preview from its root span's inputs or outputs, as MLflow's
/// server makes it: the text of the last message of the role when the value is a chat exchange
/// (OpenAI's `messages`, `choices`, `input` or `output`), else the value as JSON; cut to
/// ``Limits/maxTracePreviewLength`` characters, the last three `...`.
enum ChatPreview {
    static func text(of value: OTLPAnyValue, role: String) -> String {
        let text = messageText(value, role: role) ?? OTLPAttributeValue.jsonText(value)
        let limit = Limits.maxTracePreviewLength
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 3)) + "..."
    }

    private static func messageText(_ value: OTLPAnyValue, role: String) -> String? {
        guard let messages = messages(in: value, depth: 0), !messages.isEmpty else { return nil }
        let message = messages.last { member($0, "role").flatMap(OTLPAttributeValue.plainString) == role } ?? messages[messages.count - 1]
        guard let content = member(message, "content") else { return "" }
        if let text = OTLPAttributeValue.plainString(content) { return text }
        if case .arrayValue(let parts) = content.value {
            for part in parts.values {
                if let text = OTLPAttributeValue.plainString(part) { return text }
                if let type = member(part, "type").flatMap(OTLPAttributeValue.plainString), type == "text" || type == "output_text" {
                    return member(part, "text").flatMap(OTLPAttributeValue.plainString)
                }
            }
        }
        return ""
    }

    private static func messages(in value: OTLPAnyValue, depth: Int) -> [OTLPAnyValue]? {
        guard case .kvlistValue = value.value, depth < 4 else { return nil }
        for key in ["messages", "input", "output"] {
            if let list = member(value, key), case .arrayValue(let items) = list.value, !items.values.isEmpty {
                return items.values.filter(isMessage)
            }
        }
        if let choices = member(value, "choices"), case .arrayValue(let items) = choices.value,
           let first = items.values.first, let message = member(first, "message"), isMessage(message) {
            return [message]
        }
        if let request = member(value, "request") { return messages(in: request, depth: depth + 1) }
        return nil
    }

    private static func isMessage(_ value: OTLPAnyValue) -> Bool {
        member(value, "role") != nil && member(value, "content") != nil
    }

    private static func member(_ value: OTLPAnyValue, _ key: String) -> OTLPAnyValue? {
        guard case .kvlistValue(let list) = value.value else { return nil }
        return list.values.last { $0.key == key }?.value
    }
}
