import Workflow

/// Every built-in action of this build of repro.
public enum BuiltinActions {
    /// Every action: the light ones with their implementation, the others as specs (run by `repro-step`).
    public static var all: [any ActionSpec] {
        [
            WriteFileAction(), TableAction(), SubmissionAction(), TrainingSubmissionAction(), FetchSpec(), GitSpec(),
            ExtractSpec(), DetectSpec(), PreprocessSpec(), ModelSpec(), TrainSpec(),
            LoadGenSpec(), AccuracySpec(), AuditSpec(), PowerSpec(), ImageNetPreprocessSpec(),
        ]
    }

    public static var catalog: ActionCatalog { ActionCatalog(all) }
}
