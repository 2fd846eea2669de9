import Recipes
import Synchronization

/// What the planner knows of a built-in step (`run: {action: NAME, with: ...}`): its name, its version and the
/// sources that implement it (both enter keys, so changed code changes them), its parameters and the cache policy
/// it calls for.
///
/// Specs are light; the work itself is an `Action`. Actions that need the heavy native libraries (libcurl,
/// libgit2, OpenBLAS) run in a worker process of their own, so the `repro` command starts in milliseconds and
/// a stopped or crashed step is a process that ends.
public protocol ActionSpec: Sendable {
    var name: String { get }
    /// Enters the key of every node that uses the action: bump it when results change for a reason its
    /// `implementation` does not cover (a new file format of the engine, a changed library it calls).
    var version: String { get }
    /// The source files and folders (relative to the package: `Sources/Kernels`, `Sources/Actions/FetchAction.swift`)
    /// whose code can change the action's results. Their digests enter the key of every node that uses it
    /// (`SourceTable`). Name everything the action's code reaches, modules it imports included: a path missing
    /// here lets a changed result be served from the cache; one too many only costs a rebuild. The default is the
    /// whole of `Sources/`.
    var implementation: [String] { get }
    var summary: String { get }
    var parameters: [ActionParameter] { get }
    /// Every output the action can return (some only in some modes), so a recipe that reads one it never returns
    /// (`run.outputs.pth`) fails at plan time, not after the step ran; nil: not declared, not checked.
    var outputs: [String]? { get }
    /// The cache policy these parameters call for (e.g. a fetch without a checksum is volatile), or nil to
    /// leave it to the recipe (default `reuse`). Called at plan time with key-form values.
    func defaultPolicy(with: [String: Value]) -> CachePolicy?
    /// Warnings about these parameters that the user should see at plan time.
    func warnings(with: [String: Value]) -> [String]
}

/// A built-in step's implementation. It runs on a thread of its own and may block; it must check
/// `context.cancellation` in long loops.
public protocol Action: ActionSpec {
    /// Does the work; returns the outputs (absolute paths inside `context.outDir` become relocatable paths).
    func run(_ context: ActionContext) throws -> [String: Value]
}

extension ActionSpec {
    public var implementation: [String] { ["Sources"] }
    public var outputs: [String]? { nil }
    public func defaultPolicy(with: [String: Value]) -> CachePolicy? { nil }
    public func warnings(with: [String: Value]) -> [String] { [] }
}

/// A parameter of an action, for checking `with:` maps and for `repro actions`.
public struct ActionParameter: Sendable {
    public enum Kind: String, Sendable { case string, int, float, bool, path, list, map, any }
    public var name: String
    public var kind: Kind
    public var required: Bool
    public var doc: String

    public init(_ name: String, _ kind: Kind, required: Bool = false, doc: String) {
        self.name = name
        self.kind = kind
        self.required = required
        self.doc = doc
    }
}

/// The set of actions a run can use, with the code identity of each (computed once, when the catalog is made).
public struct ActionCatalog: Sendable {
    public let specs: [String: any ActionSpec]
    let sources: @Sendable () -> SourceTable
    /// Digests already computed, by action: a run computes them only for the actions its plan uses (hashing
    /// every action's sources cost a cached run of one node more than the rest of its work).
    private let computed = ImplementationDigests()

    /// `sources` is the table of this build; tests pass another to see what a source edit would rebuild.
    public init(_ specs: [any ActionSpec], sources: SourceTable? = nil) {
        self.specs = Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.sources = { sources ?? .build }
    }

    /// The digest of each path of an action's `implementation` (what enters keys); empty for an unknown action.
    public func implementation(of name: String) -> [String: String] {
        guard let spec = specs[name] else { return [:] }
        return computed.value(for: name) { sources().digests(of: spec.implementation) }
    }

    /// Every action's `implementation` digests.
    public var implementations: [String: [String: String]] {
        Dictionary(uniqueKeysWithValues: specs.keys.map { ($0, implementation(of: $0)) })
    }

    public func spec(named name: String) -> (any ActionSpec)? { specs[name] }
    public var names: [String] { specs.keys.sorted() }
}

/// What an action gets to do its work.
public struct ActionContext: Sendable {
    /// The `with:` values, evaluated.
    public var with: [String: Value]
    /// Where outputs go; becomes the entry's `out/`.
    public var outDir: String
    /// Scratch space, removed after the step.
    public var workDir: String
    public var nodeID: String
    /// The declared environment of the step.
    public var environment: [String: String]
    /// A folder in the cache that outlives steps, for this action's resumable state (partial downloads,
    /// repository mirrors). It holds no results: those go to `outDir`.
    public var persistentDir: String
    /// CPUs the step may use (`resources.cpus`).
    public var cpus: Int
    public var log: StepLog
    public var cancellation: Cancellation
    public var progress: @Sendable (StepProgress) -> Void

    public init(
        with: [String: Value], outDir: String, workDir: String, nodeID: String,
        environment: [String: String], persistentDir: String, cpus: Int, log: StepLog,
        cancellation: Cancellation, progress: @escaping @Sendable (StepProgress) -> Void
    ) {
        self.persistentDir = persistentDir
        self.with = with
        self.outDir = outDir
        self.workDir = workDir
        self.nodeID = nodeID
        self.environment = environment
        self.cpus = cpus
        self.log = log
        self.cancellation = cancellation
        self.progress = progress
    }

    /// A required string parameter, or an error naming it.
    public func string(_ name: String) throws(ActionError) -> String {
        guard let v = with[name] else { throw .missingParameter(action: nodeID, name: name) }
        guard case .string(let s) = v else {
            throw .badParameter(name: name, problem: "expected a string, found \(v.typeName) \(v)")
        }
        return s
    }

    /// A list of strings (a single string is a list of one).
    public func strings(_ name: String) throws(ActionError) -> [String] {
        switch with[name] {
        case nil, .null?: return []
        case .string(let s)?: return [s]
        case .list(let items)?: return items.map(\.interpolated)
        case let v?: throw .badParameter(name: name, problem: "expected a list of strings, found \(v)")
        }
    }

    public func optionalString(_ name: String) throws(ActionError) -> String? {
        guard let v = with[name], v != .null else { return nil }
        return try string(name)
    }

    public func int(_ name: String, default value: Int? = nil) throws(ActionError) -> Int {
        guard let v = with[name], v != .null else {
            if let value { return value }
            throw .missingParameter(action: nodeID, name: name)
        }
        if let i = v.intValue { return i }
        if case .string(let s) = v, let i = Int(s) { return i }
        throw .badParameter(name: name, problem: "expected a whole number, found \(v)")
    }

    public func double(_ name: String, default value: Double? = nil) throws(ActionError) -> Double {
        guard let v = with[name], v != .null else {
            if let value { return value }
            throw .missingParameter(action: nodeID, name: name)
        }
        if let d = v.doubleValue { return d }
        if case .string(let s) = v, let d = Double(s) { return d }
        throw .badParameter(name: name, problem: "expected a number, found \(v)")
    }

    public func bool(_ name: String, default value: Bool) throws(ActionError) -> Bool {
        guard let v = with[name], v != .null else { return value }
        if case .bool(let b) = v { return b }
        if case .string(let s) = v, let b = Bool(s.lowercased()) { return b }
        throw .badParameter(name: name, problem: "expected true or false, found \(v)")
    }
}

/// Errors actions report; `description` is what the user reads under the failed node.
public enum ActionError: Error, Sendable, CustomStringConvertible {
    case missingParameter(action: String, name: String)
    case badParameter(name: String, problem: String)
    case failed(String)
    case cancelled

    public var description: String {
        switch self {
        case .missingParameter(_, let name): "missing parameter '\(name)'"
        case .badParameter(let name, let problem): "parameter '\(name)': \(problem)"
        case .failed(let message): message
        case .cancelled: "cancelled"
        }
    }
}

/// Progress an action reports (bytes of a download, epochs of training) for the live view.
public struct StepProgress: Sendable {
    public var done: Double
    public var total: Double?
    public var unit: String
    public var detail: String

    public init(done: Double, total: Double?, unit: String, detail: String = "") {
        self.done = done
        self.total = total
        self.unit = unit
        self.detail = detail
    }
}

/// A catalog's implementation digests, computed once per action, on whichever thread first asks.
final class ImplementationDigests: Sendable {
    private let digests = Mutex<[String: [String: String]]>([:])

    func value(for name: String, compute: () -> [String: String]) -> [String: String] {
        if let known = digests.withLock({ $0[name] }) { return known }
        let value = compute()
        digests.withLock { $0[name] = value }
        return value
    }
}
