import Recipes
import Workflow

/// `imagenet-preprocess`: an ImageNet validation folder as MLPerf's reference prepares it, cached as uint8 crops.
public struct ImageNetPreprocessSpec: ActionSpec {
    public let name = "imagenet-preprocess"
    public let outputs: [String]? = ["data", "images", "labels", "count", "list"]
    public let version = "1"
    public var implementation: [String] {
        // Of the kernels, only the tensor file format and the error type it writes with.
        [
            "Sources/Actions/ImageNetPreprocessAction.swift", "Sources/Kernels/Data/TensorFile.swift",
            "Sources/Kernels/Support/KernelsError.swift",
        ] + ImplementationSources.imaging
    }
    public let summary =
        "ImageNet JPEGs + val_map.txt -> 224x224 RGB uint8 crops as MLPerf's pre_process_vgg makes them, and labels"
    public let parameters = [
        ActionParameter("folder", .path, required: true, doc: "the folder holding the JPEGs and the list"),
        ActionParameter("list", .string, doc: "the list of NAME LABEL lines, in the folder (default val_map.txt)"),
        ActionParameter("count", .int, doc: "the first COUNT images of the list (default: all)"),
    ]
    public init() {}
}
