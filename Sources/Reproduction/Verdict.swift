import Recipes
import Workflow

/// One line of a reproduction's verdict: a value, a file, a recipe or the run, published against reproduced.
public struct Verdict: Sendable, Equatable {
    /// What the line is about.
    public enum Kind: String, Sendable {
        /// A metric of a node.
        case metric
        /// LoadGen's VALID/INVALID of a node.
        case validity
        /// The outputs of a node whose key is the same as published: one digest over its outputs and files.
        case outputs
        /// A recipe text, or the digest of a folder recipe's other files.
        case recipe
        /// The submission tarball's SHA-256.
        case tarball
        /// One file of the submission tree.
        case file
        /// The run itself (planned, succeeded, every published node run).
        case run
        /// An effective LoadGen setting of a published MLPerf run, against the reproduction's detail log.
        case setting
    }

    public enum Outcome: String, Sendable {
        /// As published (within what is allowed).
        case ok
        /// Not as published: the result did not reproduce.
        case failed
        /// Different, and expected to be (a measured log, a machine's description): said, not judged.
        case note
    }

    public var kind: Kind
    /// The node id, recipe name or file path the line is about.
    public var subject: String
    /// The metric or field (`latency_ms`, `result`, `sha256`, `text`).
    public var name: String
    public var published: String
    public var reproduced: String
    public var difference: String
    /// What was allowed: `exact`, or the interval a timed value had to fall in and how it was made.
    public var allowed: String
    public var outcome: Outcome
    /// Why, in words ("faster than published", "the published text was used").
    public var note: String

    public init(
        kind: Kind, subject: String, name: String, published: String, reproduced: String, difference: String = "",
        allowed: String = "exact", outcome: Outcome, note: String = ""
    ) {
        self.kind = kind
        self.subject = subject
        self.name = name
        self.published = published
        self.reproduced = reproduced
        self.difference = difference
        self.allowed = allowed
        self.outcome = outcome
        self.note = note
    }
}

/// A difference between the machine (and build) that published a result and the one that reproduced it.
public struct MachineDifference: Sendable, Equatable {
    /// `cpu`, `cpus`, `repro commit`, `blas_core`, ...
    public var key: String
    /// Nil when the key exists on the other side only.
    public var published: String?
    public var reproduced: String?
    /// The nodes whose steps reported it (for step environments; empty for the host and the build).
    public var nodes: [String]

    public var description: String {
        let steps = nodes.isEmpty ? "" : " (\(nodes.count == 1 ? nodes[0] : "\(nodes.count) steps"))"
        return "\(key) \(published ?? "(absent)") → \(reproduced ?? "(absent)")\(steps)"
    }
}

/// Everything a reproduction found.
public struct ReproductionReport: Sendable {
    public var verdicts: [Verdict]
    public var machine: [MachineDifference]
    /// How the reproducing run ended.
    public var runStatus: RunSummary.Status

    public var failed: [Verdict] { verdicts.filter { $0.outcome == .failed } }
    /// The values that were judged (metrics, validity, and the outputs of nodes with the published key).
    public var values: [Verdict] {
        verdicts.filter { $0.kind == .metric || $0.kind == .validity || $0.kind == .outputs }
    }

    /// Reproduced: the run succeeded, at least one value was compared, and nothing failed.
    public var reproduced: Bool { runStatus == .succeeded && !values.isEmpty && failed.isEmpty }
}
