import Recipes

/// The image a container step runs, as resolved when the node's key is computed.
public struct ResolvedImage: Sendable, Equatable {
    /// The image as the recipe gave it: a name, or the path of an OCI archive.
    public var reference: String
    /// `sha256:…`, the image ID: the digest of the image's configuration, which names the content of every layer.
    /// It is the same wherever the image is loaded (a registry's manifest digest changes with compression).
    public var digest: String
    /// The runtime that runs it (`podman`, `docker`, `apptainer`), and its version.
    public var runtime: String
    public var runtimeVersion: String
    /// When it was resolved (monotonic seconds): a step that starts much later asks the runtime again.
    public var resolvedAt: Double

    public init(reference: String, digest: String, runtime: String, runtimeVersion: String, resolvedAt: Double) {
        self.reference = reference
        self.digest = digest
        self.runtime = runtime
        self.runtimeVersion = runtimeVersion
        self.resolvedAt = resolvedAt
    }

    /// How the manifest and the entry record it (`execution.container`).
    public var record: Value {
        .map([
            "image": .string(reference), "digest": .string(digest), "runtime": .string(runtime),
            "runtime_version": .string(runtimeVersion),
        ])
    }
}

/// Finds an image's digest for a node's key. Runners implements it over the container runtimes.
public protocol ImageResolver: Sendable {
    /// The image's digest, or a failure in words (no such image, no runtime, what to install).
    func resolve(_ reference: String, runtime: ContainerRuntimeChoice) throws(StepFailure) -> ResolvedImage
}

/// What a runner needs to run a step inside its image.
public struct ContainerInvocation: Sendable {
    public var image: ResolvedImage
    public var runtime: ContainerRuntimeChoice
    public var network: Bool
    /// What the step reads (its dependencies' entries, its `path` inputs, the recipe's assets): mounted
    /// read-only at the same paths. The staging folder (output, scratch, outputs file) is mounted writable.
    public var readOnly: [String]

    public init(image: ResolvedImage, runtime: ContainerRuntimeChoice, network: Bool, readOnly: [String]) {
        self.image = image
        self.runtime = runtime
        self.network = network
        self.readOnly = readOnly
    }
}

extension PlanNode {
    /// The image reference of a container node, evaluated with its dependencies' outputs (`needs`).
    public func containerImage(needs: Value, resolver: (any ImageResolver)?) throws(StepFailure) -> ResolvedImage? {
        guard let spec = recipe.container else { return nil }
        var scope = instance.scope(keyMode: false)
        scope.roots["needs"] = needs
        scope.latePrefixes.removeAll { $0 == ["needs"] }
        let reference: String
        do {
            reference = try spec.image.evaluate(in: scope, late: .error(field: "'container.image'")).interpolated
        } catch {
            throw StepFailure(reason: "\(error)")
        }
        guard !reference.isEmpty else {
            throw StepFailure(reason: "'container.image' is empty (\(spec.image.source))")
        }
        guard let resolver else { throw StepFailure(reason: "this build of repro cannot run container steps") }
        return try resolver.resolve(reference, runtime: spec.runtime)
    }

    /// The read-only mounts of a container step: its dependencies' entries, `path` inputs and recipe folder.
    public func containerReadOnlyPaths(dependencyEntries: [String], cache: CacheStore) -> [String] {
        var paths = dependencyEntries.filter { $0 != "skipped" && $0 != "?" }.map { cache.entryPath($0) }
        for spec in recipe.inputs where spec.kind == .path || (spec.kind == .list && spec.itemKind == .path) {
            switch instance.inputs[spec.name] {
            case .string(let p)?: paths.append(p)
            case .list(let items)?: paths += items.compactMap(\.stringValue)
            default: break
            }
        }
        if recipe.source.isFolder { paths.append(recipe.source.directory) }
        paths += recipe.assets.map { RecipeAssets.path(of: $0, in: recipe) }
        var seen = Set<String>()
        return paths.filter { $0.hasPrefix("/") && !$0.contains("://") && seen.insert($0).inserted }
    }
}
