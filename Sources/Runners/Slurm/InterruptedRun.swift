import Recipes
import Workflow

/// Finds the batch jobs of an earlier run of the same request that ended without writing its manifest (the
/// `repro` process crashed or was killed), so a restarted run adopts the jobs still queued or running instead
/// of submitting them twice.
enum InterruptedRun {
    static func jobs(matching record: RequestRecord, in runsDirectory: String, except current: RunFolder)
        -> [String: (job: String, folder: RunFolder)]
    {
        let fingerprint = record.fingerprint
        for id in FileSystemPath.list(runsDirectory).reversed() {
            let folder = RunFolder(id: id, path: runsDirectory + "/" + id)
            guard folder.path != current.path, !FileSystemPath.exists(folder.manifestPath),
                FileSystemPath.exists(folder.path + "/jobs.json"),
                RequestRecord.read(folder)?.fingerprint == fingerprint,
                let bytes = try? FileSystemPath.readBytes(folder.path + "/jobs.json"),
                let jobs = (try? Value.parseJSON(bytes: bytes))?.mapValue
            else { continue }
            var out: [String: (job: String, folder: RunFolder)] = [:]
            for (identity, v) in jobs {
                guard let job = v["job"]?.stringValue, let path = v["folder"]?.stringValue else { continue }
                out[identity] = (job, RunFolder(id: FileSystemPath.lastComponent(path), path: path))
            }
            return out
        }
        return [:]
    }
}
