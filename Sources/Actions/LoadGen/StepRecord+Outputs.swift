import Recipes
import Submission

extension StepRecord {
    /// A step record's fields as step outputs, to merge into the rest.
    static func outputs(_ record: some Encodable) throws -> [String: Value] {
        try Value.parseJSON(bytes: Array(json(record))).mapValue ?? [:]
    }
}
