import ArgumentParser
import Foundation
import Runners

/// Shell completion of recipe names (`repro completion` scripts call back into repro for these).
enum RecipeCompletion {
    /// The recipe names that start with the word being completed; after a comma (a tag selection) the names are
    /// offered for the last term. `--recipes DIR` words already typed are honoured.
    @Sendable static func names(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        var folders: [String] = []
        for (i, w) in words.enumerated() where w == "--recipes" && i + 1 < words.count { folders.append(words[i + 1]) }
        guard let registry = try? Workspace(recipes: folders).registry() else { return [] }
        let head = prefix.lastIndex(of: ",").map { String(prefix[...$0]) } ?? ""
        let term = String(prefix.dropFirst(head.count))
        return registry.names.filter { $0.hasPrefix(term) }.map { head + $0 }
    }
}
