import Workflow

/// Every built-in action of this build of repro.
public enum BuiltinActions {
    public static var all: [any Action] {
        [WriteFileAction()]
    }

    public static var catalog: ActionCatalog { ActionCatalog(all) }
}
