/// MLflow's rules for registry names, versions, aliases and tags (`mlflow/utils/validation.py`).
public enum RegistryValidation {
    public static let maxAliasLength = 255
    public static let maxModelTagValueLength = 100_000
    /// The tag MLflow uses to store prompts as registered models; search hides them by default.
    public static let promptTagKey = "mlflow.prompt.is_prompt"
    /// The sources MLflow's own clients give a prompt's version; its server refuses any other.
    public static let promptSourcePlaceholders: Set<String> = ["dummy-source", "prompt-template"]

    /// A prompt version's source: one of MLflow's placeholders.
    public static func validatePromptSource(_ source: String) throws(StrideError) {
        guard promptSourcePlaceholders.contains(source) else {
            throw .invalidParameter("Invalid prompt source: '\(source)'. Prompt sources must use an MLflow placeholder.")
        }
    }

    /// A model name: not blank, no `/` or `:`, and unchanged by path normalisation (names become folders).
    public static func validateModelName(_ name: String, field: String = "name") throws(StrideError) {
        guard !name.allSatisfy(\.isWhitespace) else { throw .missingValue(field) }
        guard !name.contains("/"), !name.contains(":") else {
            throw .invalidParameter("Invalid model name '\(name)'. Names cannot contain '/' or ':'.")
        }
        let normalized = PosixPath.normalize(name)
        if normalized != name || normalized == "." || normalized.hasPrefix("..") {
            throw .invalidParameter(
                "Invalid value '\(name)' for parameter '\(field)' supplied: Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '\(normalized)'")
        }
    }

    /// A version number; the wire carries it as a string.
    public static func version(_ text: String) throws(StrideError) -> Int64 {
        guard let version = Int64(text.trimmingCharacters(in: " ")) else {
            throw .invalidParameter("Parameter 'version' must be an integer, got '\(text)'.")
        }
        return version
    }

    /// An alias as any request may name it: non-empty, word characters and dashes, at most 255.
    public static func validateAliasName(_ alias: String) throws(StrideError) {
        guard !alias.isEmpty else { throw .invalidParameter("Registered model alias name cannot be empty.") }
        guard alias.unicodeScalars.allSatisfy(isAliasScalar) else {
            throw .invalidParameter(
                "Invalid alias name: '\(alias)'. Names may only contain alphanumerics, underscores (_), and dashes (-).")
        }
        try EntityValidation.validateLength(alias, limit: maxAliasLength, entity: "Registered model alias name")
    }

    /// An alias a client may set: `latest` and `v<digits>` already mean something in `models:/` URIs.
    public static func validateAssignableAlias(_ alias: String) throws(StrideError) {
        try validateAliasName(alias)
        if alias.lowercased() == "latest" {
            throw .invalidParameter("'latest' alias name (case insensitive) is reserved.")
        }
        if isVersionAlias(alias) {
            throw .invalidParameter("Version alias name '\(alias)' is reserved.")
        }
    }

    /// Registered-model and model-version tags: a valid key, values up to 100,000 characters.
    public static func validateTag(_ tag: Tag) throws(StrideError) {
        try EntityValidation.validateKey(tag.key, field: "key")
        try EntityValidation.validateLength(tag.key, limit: Limits.maxEntityKeyLength, entity: "key")
        try EntityValidation.validateLength(tag.value, limit: maxModelTagValueLength, entity: "value")
    }

    private static func isVersionAlias(_ alias: String) -> Bool {
        let scalars = Array(alias.unicodeScalars)
        guard scalars.count >= 2, scalars[0] == "v" || scalars[0] == "V" else { return false }
        return scalars.dropFirst().allSatisfy { ("0"..."9").contains($0) }
    }

    /// Python's `\w` in a `str` pattern: Unicode letters, digits and underscore.
    private static func isAliasScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "-" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var slice = self[...]
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return slice
    }
}
