/// Fitting user text into the little room a chart has for it.
enum ChartText {
    /// `text` cut to `maxCharacters`, ending in an ellipsis when cut; the full text stays in `<title>`s.
    static func truncated(_ text: String, maxCharacters: Int) -> String {
        guard text.count > maxCharacters, maxCharacters > 1 else { return text }
        return String(text.prefix(maxCharacters - 1)) + "…"
    }

    /// A rough width in user units at font size 11, good enough to lay out legends without a font.
    static func approximateWidth(_ text: String) -> Double {
        Double(text.count) * 6.2
    }
}
