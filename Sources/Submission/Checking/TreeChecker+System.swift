import Foundation

extension TreeChecker {
    /// `systems/<system>.json`: present, a valid status and system type, every required field (the meaningful ones
    /// not empty), the network mode its division needs, and the submitter and division of its folders. Returns the
    /// description when it could be read.
    mutating func checkSystem(division: String, submitter: String, system: String) -> [String: Any]? {
        let relative = Rules.Paths.fill(
            rules.paths.systemDescription, ["division": division, "submitter": submitter, "system": system])
        let path = show(relative)
        guard let data = FileManager.default.contents(atPath: at(relative)) else {
            problems.append("\(path) system json file not found")
            return nil
        }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            problems.append("\(path) is not a JSON object")
            return nil
        }
        let status = "\(json["status"] ?? "")".lowercased()
        if !rules.validStatuses.contains(status) { problems.append("\(path) has invalid status (\(status))") }
        let type = "\(json["system_type"] ?? "")"
        if !rules.validSystemTypes.contains(type) { problems.append("\(path) has invalid system type (\(type))") }
        let network = "\(json["is_network"] ?? "false")".lowercased() == "true"
        if (division == "closed" && network) || (division == "network" && !network) {
            problems.append("\(path) incorrect network mode(=\(network ? "True" : "False"))for division '\(division)'")
        }
        for field in rules.system.requiredFields {
            guard let value = json[field] else {
                problems.append("\(path), field \(field) is missing")
                continue
            }
            if rules.system.meaningfulFields.contains(field), TreeChecker.isEmpty(value) {
                problems.append("\(path), field \(field) requires a meaningful response but is empty")
            }
        }
        if let s = json["submitter"] as? String, s.lowercased() != submitter.lowercased() {
            problems.append("\(path) has submitter \(s), directory has \(submitter)")
        }
        if let d = json["division"] as? String, d.lowercased() != division.lowercased() {
            problems.append("\(path) has division \(d), directory has \(division)")
        }
        return json
    }

    /// Python's falsiness of a JSON value: "", 0, false, null, an empty list or object.
    static func isEmpty(_ value: Any) -> Bool {
        switch value {
        case let s as String: return s.isEmpty
        case let n as NSNumber: return n.doubleValue == 0
        case is NSNull: return true
        case let a as [Any]: return a.isEmpty
        case let d as [String: Any]: return d.isEmpty
        default: return false
        }
    }
}
