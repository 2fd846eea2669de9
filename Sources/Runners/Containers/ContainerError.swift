import Basics
import Recipes
import Workflow

/// What can go wrong with a container step before or around its command, in words a user can act on.
enum ContainerError: Error, CustomStringConvertible {
    case noRuntime(choice: ContainerRuntimeChoice, problems: [String], path: String)
    case noImage(reference: String, runtime: ContainerRuntime, detail: String)
    case archive(ImageArchive.Problem)
    /// The image's name points at another image than when the key was computed.
    case digestChanged(reference: String, planned: String, now: String?)
    case archiveMismatch(path: String, expected: String, found: String)
    /// A runtime command that failed: the command line, how it ended and its last lines.
    case command(what: String, report: ProgramReport)
    case unsupported(runtime: ContainerRuntime.Kind, what: String)

    var description: String {
        switch self {
        case .noRuntime(let choice, let problems, let path):
            let kinds: [ContainerRuntime.Kind] =
                choice == .auto ? ContainerRuntime.Kind.allCases : [ContainerRuntime.Kind(rawValue: choice.rawValue)!]
            let installed = !problems.allSatisfy { $0.hasSuffix("is not on PATH") }
            let what =
                choice == .auto
                ? "no container runtime works on \(HostInfo.hostname)"
                : "the container runtime '\(choice)' \(installed ? "cannot run" : "is not installed") on \(HostInfo.hostname)"
            return "\(what) (\(problems.joined(separator: "; ")); PATH=\(path)): "
                + kinds.map { ContainerRuntime.installHint($0) }.joined(separator: "; or ")
        case .noImage(let reference, let runtime, let detail):
            return "the image '\(reference)' does not exist in \(runtime.kind)'s store on \(HostInfo.hostname) "
                + "(\(detail)); build it with a recipe (such as debian-image) and name its 'archive' output, "
                + "which repro loads where it is missing, or load it with '\(runtime.kind) load'"
        case .archive(let problem):
            return problem.description
        case .digestChanged(let reference, let planned, let now):
            return "the image '\(reference)' changed between plan and run: its key was computed with \(planned), "
                + "and it is now \(now ?? "gone"); nothing was run. Run again to plan with the image as it is now"
        case .archiveMismatch(let path, let expected, let found):
            return "the image archive '\(path)' holds \(found), not \(expected) as when the key was computed"
        case .command(let what, let report):
            return "\(what) failed: \(report)"
        case .unsupported(let runtime, let what):
            return "\(runtime) cannot \(what)"
        }
    }

    var failure: StepFailure { StepFailure(reason: description) }

    /// The last non-empty line of a program's output, for one-line reasons.
    static func lastLine(_ text: String, or fallback: String) -> String {
        text.split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? fallback
    }
}
