import Testing
@testable import StrideDomain

@Suite("Entity validation follows MLflow's rules")
struct EntityValidationTests {
    @Test("keys with letters, digits and _ - . space : / are accepted", arguments: [
        "loss", "val/acc", "a b", "step:1", "x-y_z.w", "métrique", "数据",
    ])
    func acceptsValidKeys(key: String) throws {
        try EntityValidation.validateKey(key, field: "key")
    }

    @Test("keys with other characters are rejected with MLflow's message", arguments: ["a@b", "a#b", "a\\b", "tab\there"])
    func rejectsBadCharacters(key: String) {
        #expect {
            try EntityValidation.validateKey(key, field: "key")
        } throws: { error in
            guard let error = error as? StrideError else { return false }
            return error.code == .invalidParameterValue && error.message.contains("Names may only contain alphanumerics")
        }
    }

    @Test("keys that would resolve to another path are rejected", arguments: ["../x", "/abs", "a//b", "a/", "./a", ".", "a/../b"])
    func rejectsNonNormalPaths(key: String) {
        #expect {
            try EntityValidation.validateKey(key, field: "key")
        } throws: { error in
            (error as? StrideError)?.message.contains("must not resolve to other names") == true
        }
    }

    @Test("a 250-character key passes and a 251-character key fails")
    func keyLength() throws {
        let ok = Param(key: String(repeating: "k", count: 250), value: "v")
        _ = try EntityValidation.validatedParam(ok)
        let tooLong = Param(key: String(repeating: "k", count: 251), value: "v")
        #expect(throws: StrideError.invalidParameter("'Param key' exceeds the maximum length of 250 characters")) {
            try EntityValidation.validatedParam(tooLong)
        }
    }

    @Test("param values are truncated to 6000 and tag values to 8000 characters")
    func truncation() throws {
        let param = try EntityValidation.validatedParam(Param(key: "p", value: String(repeating: "é", count: 7000)))
        #expect(param.value.unicodeScalars.count == 6000)
        let tag = try EntityValidation.validatedTag(Tag(key: "t", value: String(repeating: "x", count: 9000)))
        #expect(tag.value.count == 8000)
    }

    @Test("negative timestamps are rejected; negative steps are allowed")
    func metricTimestamp() throws {
        try EntityValidation.validateMetric(Metric(key: "m", value: 1, timestamp: 0, step: -5))
        #expect(throws: StrideError.self) {
            try EntityValidation.validateMetric(Metric(key: "m", value: 1, timestamp: -1, step: 0))
        }
    }

    @Test("batch limits: 1000 metrics, 100 params, 100 tags, 1000 entities")
    func batchLimits() throws {
        try EntityValidation.validateBatchLimits(metrics: 1000, params: 0, tags: 0)
        try EntityValidation.validateBatchLimits(metrics: 800, params: 100, tags: 100)
        #expect(throws: StrideError.invalidParameter(
            "A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again."
        )) {
            try EntityValidation.validateBatchLimits(metrics: 1001, params: 0, tags: 0)
        }
        #expect(throws: StrideError.self) { try EntityValidation.validateBatchLimits(metrics: 0, params: 101, tags: 0) }
        #expect(throws: StrideError.self) { try EntityValidation.validateBatchLimits(metrics: 0, params: 0, tags: 101) }
        #expect(throws: StrideError.invalidParameter(
            "A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags. Please split up metrics, params, and tags across multiple requests and try again."
        )) {
            try EntityValidation.validateBatchLimits(metrics: 901, params: 100, tags: 0)
        }
    }

    @Test("a batch naming one param key twice is rejected, listing the key")
    func duplicateParams() {
        #expect(throws: StrideError.invalidParameter(
            "Duplicate parameter keys have been submitted: ['z']. Please ensure the request contains only one param value per param key."
        )) {
            try EntityValidation.validateUniqueParamKeys([Param(key: "z", value: "1"), Param(key: "y", value: "1"), Param(key: "z", value: "2")])
        }
    }

    @Test("experiment names must not be blank or longer than 500 characters")
    func experimentNames() throws {
        try EntityValidation.validateExperimentName("exp")
        #expect(throws: StrideError.self) { try EntityValidation.validateExperimentName("   ") }
        #expect(throws: StrideError.self) { try EntityValidation.validateExperimentName(String(repeating: "n", count: 501)) }
    }
}

@Suite("POSIX path normalisation matches Python's posixpath.normpath")
struct PosixPathTests {
    @Test(arguments: [
        ("", "."), ("a", "a"), ("a/b", "a/b"), ("a//b", "a/b"), ("a/./b", "a/b"), ("a/../b", "b"), ("../a", "../a"),
        ("/a/../..", "/"), ("//a", "//a"), ("///a", "/a"), ("a/", "a"), ("./", "."),
    ])
    func normalizes(input: String, expected: String) {
        #expect(PosixPath.normalize(input) == expected)
    }

    @Test("a path already in normal form is recognised without splitting, and only such a path")
    func normalFormShortcut() {
        let samples = [
            "", ".", "..", "...", "a", "a.", ".a", "..a", "a..", "a/b", "a/./b", "a/../b", "a/.../b", "a//b", "a/", "/a", "//a", "./a",
            "../a", "a/.", "a/..", "a/.b", "train/loss", "x/y/z.w", "é/ü", "....", "a/....",
        ]
        for path in samples {
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            let isNormal = !path.isEmpty && components.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
            #expect(PosixPath.isNormalRelative(path) == isNormal, "\(path)")
            if isNormal { #expect(PosixPath.normalize(path) == path, "\(path)") }
        }
    }
}

@Suite("JSON text as Python's json.dumps writes it")
struct JSONTextTests {
    @Test("quotes, escapes and keeps output ASCII")
    func quoting() {
        #expect(JSONText.quoted("a\"b\\c\nd") == #""a\"b\\c\nd""#)
        #expect(JSONText.quoted("é😀") == #""\u00e9\ud83d\ude00""#)
        #expect(JSONText.array(["x", "y z"]) == #"["x","y z"]"#)
    }
}
