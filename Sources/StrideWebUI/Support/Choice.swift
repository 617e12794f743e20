/// One option of a select, radio group or checkbox list, with whether the view has it chosen.
struct Choice: Sendable {
    var value: String
    var label: String
    var selected: Bool
}

/// A hidden form field that carries a piece of view state through a form submission.
struct HiddenField: Sendable {
    var name: String
    var value: String
}
