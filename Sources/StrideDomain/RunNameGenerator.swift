/// Makes the friendly `adjective-noun-number` names MLflow gives runs that were not named.
public enum RunNameGenerator {
    /// MLflow caps generated names at 20 characters.
    static let maxLength = 20

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    public static func make(using generator: inout some RandomNumberGenerator) -> String {
        var candidate = ""
        for _ in 0..<10 {
            candidate = "\(adjectives.randomElement(using: &generator)!)-\(nouns.randomElement(using: &generator)!)-\(Int.random(in: 0...1000, using: &generator))"
            if candidate.count <= maxLength { return candidate }
        }
        return String(candidate.prefix(maxLength))
    }

    static let adjectives = [
        "able", "agile", "amber", "amused", "ample", "bold", "brave", "breezy", "bright", "brisk",
        "calm", "candid", "casual", "cheery", "clever", "cosmic", "crisp", "curious", "daring", "deft",
        "eager", "earnest", "easy", "elated", "epic", "fair", "fancy", "fleet", "fond", "frank",
        "gentle", "gifted", "glad", "golden", "grand", "handy", "hardy", "hearty", "honest", "humble",
        "jolly", "keen", "kind", "lively", "loyal", "lucid", "lucky", "mellow", "merry", "mighty",
        "modest", "neat", "nimble", "noble", "polite", "proud", "quick", "quiet", "rapid", "ready",
        "regal", "robust", "rosy", "rustic", "serene", "sharp", "shiny", "silent", "sleek", "smart",
        "snappy", "solid", "spry", "steady", "stellar", "sunny", "swift", "tidy", "upbeat", "valiant",
        "vivid", "warm", "wise", "witty", "zesty",
    ]

    static let nouns = [
        "albatross", "antelope", "badger", "bat", "bear", "beaver", "bison", "boar", "bobcat", "carp",
        "cat", "cheetah", "cod", "colt", "condor", "crab", "crane", "crow", "deer", "dingo",
        "dove", "duck", "eagle", "eel", "elk", "falcon", "ferret", "finch", "fox", "frog",
        "gazelle", "gecko", "goat", "goose", "grouse", "gull", "hare", "hawk", "heron", "horse",
        "ibis", "jackal", "jay", "kite", "koala", "lark", "lemur", "lion", "lynx", "mole",
        "moose", "moth", "newt", "otter", "owl", "panda", "perch", "pike", "puffin", "quail",
        "rabbit", "raven", "robin", "seal", "shark", "shrew", "skunk", "sloth", "snail", "sparrow",
        "squid", "stag", "stork", "swan", "tern", "tiger", "toad", "trout", "turtle", "vole",
        "wasp", "whale", "wolf", "wren", "yak", "zebra",
    ]
}
