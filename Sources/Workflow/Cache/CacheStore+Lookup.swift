import Recipes

extension CacheStore {
    /// An entry named as people name it: a key or its first characters (at least 4), or a node id or recipe name
    /// (its newest entry).
    public func resolveEntry(_ name: String) throws(WorkflowError) -> String {
        let isKeyLike = name.count >= 4 && name.allSatisfy(\.isHexDigit)
        if isKeyLike, entryKeys().contains(where: { $0.hasPrefix(name) }) { return try resolve(prefix: name) }
        let newest = entryKeys().compactMap { key in meta(key).map { (key, $0) } }
            .filter { $0.1.nodeID == name || $0.1.recipe == name }
            .max { $0.1.created < $1.1.created }
        if let newest { return newest.0 }
        if isKeyLike { return try resolve(prefix: name) }
        let known = Set(entryKeys().compactMap { meta($0)?.nodeID })
        throw .cache(
            "no entry of '\(name)' (a key prefix, a node id or a recipe name)"
                + Suggestions.hint(for: name, in: Array(known)))
    }
}
