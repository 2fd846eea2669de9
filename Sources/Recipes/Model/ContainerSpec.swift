/// A shell step that runs inside a container image (`container:` in a recipe; docs/containers.md).
///
/// The image is a name in the runtime's own store, or an OCI archive (an absolute path, or `oci-archive:PATH`),
/// such as the `archive` output of an image recipe. Its digest enters the node's key when the key is computed.
public struct ContainerSpec: Sendable {
    public var image: Template
    public var runtime: ContainerRuntimeChoice
    /// Whether the step may reach the network; off unless the recipe asks.
    public var network: Bool
    public var location: SourceLocation

    public init(image: Template, runtime: ContainerRuntimeChoice, network: Bool, location: SourceLocation) {
        self.image = image
        self.runtime = runtime
        self.network = network
        self.location = location
    }
}

/// Which program runs a container step.
public enum ContainerRuntimeChoice: String, Sendable, CaseIterable {
    /// The first that works here: podman, then docker (when its engine answers), then apptainer.
    case auto
    case podman
    case docker
    case apptainer
}
