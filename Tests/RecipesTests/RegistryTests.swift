import Foundation
import Testing

@testable import Recipes

@Suite("registry, selection and inputs")
struct RegistryTests {
    let root: String

    init() throws {
        root = NSTemporaryDirectory() + "repro-registry-" + UUID().uuidString.prefix(8)
        let files: [String: String] = [
            "a/recipes/dataset-digits.yaml":
                "summary: d\ntags: [dataset, digits]\nvariations:\n  small: {group: size}\n  full: {group: size, default: true}\nrun: echo\n",
            "a/recipes/group/model.yaml":
                "summary: m\ntags: [model]\nassets: [weights]\ninputs:\n  arch: {choices: [mlp, cnn], default: mlp}\n  n: {default: 2}\n  base: {default: \"${{ recipe.dir }}/weights\"}\n  twice: {default: \"${{ inputs.n * 2 }}\"}\nrun: echo\n",
            "a/recipes/folder-recipe/recipe.yaml": "summary: f\ntags: [dataset]\nrun: echo\n",
            "a/recipes/folder-recipe/asset.txt": "asset",
            "b/recipes/model.yaml": "summary: shadowed\nrun: echo\n",
        ]
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
    }

    func registry() throws -> RecipeRegistry {
        try RecipeRegistry(searchPath: [root + "/a/recipes", root + "/b/recipes", root + "/missing"])
    }

    @Test func findsFilesFoldersAndGroupsAndEarlierFoldersWin() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try registry()
        #expect(r.names == ["dataset-digits", "folder-recipe", "model"])
        #expect(try r.recipe(named: "model").summary == "m")
        #expect(r.locations["model"]!.shadows.count == 1)
        #expect(try r.recipe(named: "folder-recipe").source.isFolder)
    }

    @Test func selectsByNameOrTags() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try registry()
        #expect(try r.select(Selection(parsing: "model")).name == "model")
        #expect(try r.select(Selection(parsing: "dataset,digits,_small")).name == "dataset-digits")
        #expect(throws: RecipeError.self) { try r.select(Selection(parsing: "dataset")) }
        // A variation narrows an ambiguous tag selection.
        #expect(try r.select(Selection(parsing: "dataset,_small")).name == "dataset-digits")
        #expect(throws: RecipeError.self) { try r.select(Selection(parsing: "nothing-like-it")) }
    }

    @Test func theUsersOwnFoldersWinOverPulledOnesWithANote() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let pulled = root + "/repos/shared/recipes"
        try FileManager.default.createDirectory(atPath: pulled, withIntermediateDirectories: true)
        try "summary: theirs\ntags: [dataset, digits]\nrun: echo\n".write(
            toFile: pulled + "/their-digits.yaml", atomically: true, encoding: .utf8)
        try "summary: theirs\nrun: echo\n".write(toFile: pulled + "/model.yaml", atomically: true, encoding: .utf8)
        let r = try RecipeRegistry(folders: [
            SearchFolder(path: root + "/a/recipes", origin: .own),
            SearchFolder(path: pulled, origin: .pulled("shared")),
        ])
        #expect(try r.select(Selection(parsing: "dataset,digits")).name == "dataset-digits")
        #expect(try r.select(Selection(parsing: "model")).summary == "m")
        #expect(
            r.notes == [
                "'dataset,digits' also matches 'their-digits' from pulled repository 'shared'; 'dataset-digits' "
                    + "from your folders wins",
                "'model' from \(root)/a/recipes/group/model.yaml (your folders) hides the one in pulled repository "
                    + "'shared'",
            ])
        // Without the user's own, the pulled ones are found as usual.
        let only = try RecipeRegistry(folders: [SearchFolder(path: pulled, origin: .pulled("shared"))])
        #expect(try only.select(Selection(parsing: "dataset,digits")).name == "their-digits")
    }

    @Test func inputsGetDefaultsVariationsAndTypes() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let r = try registry()
        let model = try r.recipe(named: "model")
        let i = try RecipeInstance.resolve(
            model, variations: [], provided: ["n": ProvidedInput(value: "5")], host: [:], at: nil)
        #expect(i.inputs["n"] == .int(5))
        #expect(i.inputs["twice"] == .string("10"))
        #expect(i.inputs["base"] == .string(root + "/a/recipes/group/weights"))
        // The key form keeps the text of what reads the recipe's folder.
        #expect(i.keyInputs["base"] == .string("${{ recipe.dir }}/weights"))
        let d = try r.recipe(named: "dataset-digits")
        #expect(try RecipeInstance.resolve(d, variations: [], provided: [:], host: [:], at: nil).variations == ["full"])
        #expect(
            try RecipeInstance.resolve(d, variations: ["small"], provided: [:], host: [:], at: nil).variations == [
                "small"
            ])
    }

    @Test func coercionRules() throws {
        func spec(_ kind: InputSpec.Kind, items: InputSpec.Kind = .string) -> InputSpec {
            InputSpec(
                name: "x", kind: kind, defaultValue: nil, doc: "", choices: ["a", "b"], itemKind: items,
                location: SourceLocation(file: "f", line: 1, column: 1))
        }
        func coerce(_ v: Value, _ s: InputSpec) throws -> Value {
            try InputCoercion.coerce(v, to: s, recipe: "r", at: nil, baseDirectory: "/base")
        }
        #expect(try coerce("3", spec(.int)) == .int(3))
        #expect(try coerce(3, spec(.float)) == .double(3))
        #expect(try coerce("yes", spec(.bool)) == .bool(true))
        #expect(try coerce("rel/file", spec(.path)) == .string("/base/rel/file"))
        #expect(try coerce("1,2", spec(.list, items: .int)) == .list([1, 2]))
        #expect(try coerce(7, spec(.string)) == .string("7"))
        #expect(throws: RecipeError.self) { try coerce("c", spec(.choice)) }
        #expect(throws: RecipeError.self) { try coerce(true, spec(.int)) }
        #expect(throws: RecipeError.self) { try coerce(["a"], spec(.string)) }
    }
}
