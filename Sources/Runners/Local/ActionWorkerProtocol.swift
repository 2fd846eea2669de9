import Recipes
import Workflow

/// How the `repro` process hands an action to the worker (`repro-step`) and gets its result back.
///
/// The worker is started with one argument, the path of a request file (JSON: action, with, out, work, node,
/// env, cpus), in the step's output folder, with the step's environment, its stdout and stderr going to the
/// step's logs, and a pipe on descriptor 3 where it writes progress as JSON lines. On success it writes
/// `{"outputs": {...}}` to the result file named in the request and exits 0; on failure it writes the error's
/// words to the result file as `{"error": "..."}` and exits 1.
public enum ActionWorkerProtocol {
    public struct Request: Sendable {
        public var action: String
        public var with: [String: Value]
        public var outDir: String
        public var workDir: String
        public var nodeID: String
        public var environment: [String: String]
        public var persistentDir: String
        public var cpus: Int
        public var resultPath: String
        /// Variables of the step's environment that hold secrets: not in the request file (`environment` leaves
        /// them out); the worker reads them from its own process environment, which the runner set.
        public var secretNames: [String] = []

        public var json: Value {
            .map([
                "action": .string(action), "with": .map(with), "out": .string(outDir), "work": .string(workDir),
                "node": .string(nodeID), "env": .map(environment.mapValues { .string($0) }), "cpus": .int(cpus),
                "result": .string(resultPath), "persistent": .string(persistentDir),
                "secret_env": .list(secretNames.map { .string($0) }),
            ])
        }

        public init(
            action: String, with: [String: Value], outDir: String, workDir: String, nodeID: String,
            environment: [String: String], persistentDir: String, cpus: Int, resultPath: String
        ) {
            self.persistentDir = persistentDir
            self.action = action
            self.with = with
            self.outDir = outDir
            self.workDir = workDir
            self.nodeID = nodeID
            self.environment = environment
            self.cpus = cpus
            self.resultPath = resultPath
        }

        public init?(json: Value) {
            guard let action = json["action"]?.stringValue, let out = json["out"]?.stringValue,
                let work = json["work"]?.stringValue, let result = json["result"]?.stringValue
            else { return nil }
            self.init(
                action: action, with: json["with"]?.mapValue ?? [:], outDir: out, workDir: work,
                nodeID: json["node"]?.stringValue ?? action,
                environment: (json["env"]?.mapValue ?? [:]).compactMapValues(\.stringValue),
                persistentDir: json["persistent"]?.stringValue ?? work, cpus: json["cpus"]?.intValue ?? 1,
                resultPath: result)
            secretNames = json["secret_env"]?.listValue?.compactMap(\.stringValue) ?? []
        }
    }

    /// The descriptor the worker writes progress to.
    public static let progressDescriptor: Int32 = 3

    public static func progressLine(_ p: StepProgress) -> String {
        Value.map([
            "done": .double(p.done), "total": p.total.map { .double($0) } ?? .null, "unit": .string(p.unit),
            "detail": .string(p.detail),
        ]).canonicalJSON + "\n"
    }

    public static func parseProgress(_ line: String) -> StepProgress? {
        guard let v = try? Value.parseJSON(line), let done = v["done"]?.doubleValue else { return nil }
        return StepProgress(
            done: done, total: v["total"]?.doubleValue, unit: v["unit"]?.stringValue ?? "",
            detail: v["detail"]?.stringValue ?? "")
    }
}
