import Testing

@testable import Recipes

@Suite("recipe decoding")
struct RecipeDecoderTests {
    func decode(_ text: String, name: String = "r") throws -> Recipe {
        try RecipeDecoder.decode(
            text: text, file: "/x/recipes/\(name).yaml", directory: "/x/recipes", isFolder: false,
            expectedName: name)
    }

    func message(_ text: String) -> String {
        do {
            _ = try decode(text)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func everyFieldIsRead() throws {
        let r = try decode(
            """
            name: r
            summary: a recipe
            tags: [a, b]
            inputs:
              n: {default: 3, doc: how many}
              rate: {default: 0.5}
              mode: {choices: [fast, slow], default: fast}
              files: {type: list, items: path, default: []}
              flag: {type: bool, default: false}
            variations:
              small: {group: size, default: true, inputs: {n: 1}}
              large: {group: size, inputs: {n: 100}, resources: {cpus: 2}}
              verbose: {env: {LOG: debug}}
            needs:
              data: {recipe: other, with: {x: "${{ inputs.n }}"}, if: "${{ inputs.n > 0 }}"}
              many: {tags: "dataset,_tiny", matrix: {i: "${{ range(inputs.n) }}"}}
              short: other,_v
            env:
              OMP_NUM_THREADS: "1"
            run:
              action: write-file
              with: {path: out.txt, text: "${{ inputs.n }}"}
            outputs:
              file: ${{ run.outputs.path }}
            metrics:
              speed: {value: "${{ run.outputs.speed }}", unit: items/s, better: higher, tolerance: 10%}
            cache: measured
            if: ${{ inputs.flag || true }}
            resources: {cpus: 2, exclusive: true, memory: 4G, time: "1:00:00", partition: cpu, slurm: ["--exclusive"]}
            timeout: 1h30m
            retries: 2
            runner: slurm
            """)
        #expect(r.tags == ["a", "b"])
        #expect(r.inputs.map(\.kind) == [.int, .float, .choice, .list, .bool])
        #expect(r.inputs[3].itemKind == .path)
        #expect(r.variations.map(\.name) == ["small", "large", "verbose"])
        #expect(r.needs.map(\.name) == ["data", "many", "short"])
        #expect(r.needs[1].target == .tags(["dataset"]) && r.needs[1].variations == ["tiny"])
        #expect(r.needs[2].target == .select(["other"]) && r.needs[2].variations == ["v"])
        #expect(r.cache == .measured)
        #expect(r.metrics[0].tolerance == 0.1 && r.metrics[0].better == .higher)
        #expect(r.timeout == 5400)
        #expect(r.retries == 2)
        #expect(r.resources.exclusive && r.resources.cpus == 2 && r.resources.slurmOptions == ["--exclusive"])
        #expect(r.runner == .slurm)
    }

    /// A one-file recipe that reads files beside it must name them, so their content enters its key.
    @Test func aOneFileRecipeThatReadsItsFolderNamesItsAssets() throws {
        let reads = "summary: x\nrun: python3 ${{ recipe.dir }}/sut.py\n"
        #expect(
            message(reads)
                == "/x/recipes/r.yaml:2:6: error: 'recipe.dir': this recipe reads files beside it but declares no "
                + "'assets:', so their content would not enter its key and a changed file could be served from the "
                + "cache; list them (for example 'assets: [run.py]'), or make the recipe a folder NAME/recipe.yaml")
        let declared = try decode("summary: x\nassets: [sut.py, ../lib]\nrun: python3 ${{ recipe.dir }}/sut.py\n")
        #expect(declared.assets.map(\.path) == ["sut.py", "../lib"])
        #expect(declared.assets[1].location?.description == "/x/recipes/r.yaml:2:18")
        let folder = try RecipeDecoder.decode(
            text: reads, file: "/x/recipes/r/recipe.yaml", directory: "/x/recipes/r", isFolder: true,
            expectedName: "r")
        #expect(folder.assets.isEmpty, "a folder recipe's files are its assets already")
        #expect(
            message("summary: x\nassets: [/etc/passwd]\nrun: echo\n")
                == "/x/recipes/r.yaml:2:10: error: asset '/etc/passwd': expected a literal path relative to the "
                + "recipe's folder (such as run.py or ../lib), found an absolute one")
        #expect(
            message("summary: x\nassets: sut.py\nrun: echo\n")
                == "/x/recipes/r.yaml:2:9: error: 'assets' must be a list of paths relative to the recipe, found the "
                + "string 'sut.py'")
    }

    @Test func preciseErrors() {
        #expect(
            message("summary: x\nrun: {shell: a, action: b}\n")
                == "/x/recipes/r.yaml:2:6: error: 'run': give either 'shell' or 'action' (with 'with'), not both")
        #expect(
            message("summary: x\nname: other\nrun: echo\n")
                == "/x/recipes/r.yaml:2:7: error: recipe name 'other' does not match its file name 'r'")
        #expect(
            message("summary: x\ntimeout: soon\n")
                == "/x/recipes/r.yaml:2:10: error: 'timeout': expected a duration such as 90, 30s, 5m or 1h30m, found 'soon'"
        )
        #expect(
            message("summary: x\nretries: -1\n")
                == "/x/recipes/r.yaml:2:10: error: 'retries': must be at least 0, found -1")
        #expect(
            message("summary: x\ncache: volatle\n")
                == "/x/recipes/r.yaml:2:8: error: 'cache': expected true, false, reuse, volatile or measured, found 'volatle'; did you mean 'volatile'?"
        )
        #expect(
            message("summary: x\ninputs:\n  n: {type: integer}\n")
                == "/x/recipes/r.yaml:3:13: error: 'type' of input 'n': expected one of string, int, float, bool, path, choice, list, found 'integer'; did you mean 'int'?"
        )
        #expect(
            message("summary: x\ninputs:\n  m: {choices: [a, b], default: c}\n")
                == "/x/recipes/r.yaml:3:33: error: input 'm' of recipe 'r' must be one of 'a', 'b', found 'c'")
        #expect(
            message("summary: x\nvariations:\n  a: {default: true}\n")
                == "/x/recipes/r.yaml:3:3: error: variation 'a': 'default: true' needs a 'group' (the default is per group)"
        )
        #expect(
            message("summary: x\nneeds:\n  d: {with: {a: 1}}\n")
                == "/x/recipes/r.yaml:3:3: error: need 'd' is missing the required field 'recipe' or 'tags'")
        #expect(
            message("summary: x\ninputs:\n  a b: {}\n")
                == "/x/recipes/r.yaml:3:3: error: input 'a b': use letters, digits, '_' and '-', starting with a letter or '_'"
        )
        #expect(
            message("summary: x\na: 1\nb: 2\na: 3\n")
                == "/x/recipes/r.yaml:4:1: error: malformed YAML: duplicate key 'a' (first given at line 2)")
        #expect(
            message("summary: x\ninputs: {n: 1, m: 2, n: 3}\n")
                == "/x/recipes/r.yaml:2:22: error: malformed YAML: duplicate key 'n' (first given at line 2)")
        #expect(
            message("- just\n- a list\n")
                == "/x/recipes/r.yaml: error: not a recipe: it has no top-level 'summary:' (every recipe has a "
                + "one-line 'summary:'; see docs/recipes.md)")
        #expect(
            message("learning_rate: 0.1\n")
                == "/x/recipes/r.yaml: error: not a recipe: it has no top-level 'summary:' (every recipe has a "
                + "one-line 'summary:'; see docs/recipes.md)")
        #expect(
            message("summary: x\nvariations:\n  v: {inputs: {nope: 1}}\ninputs:\n  n: {default: 1}\n")
                == "/x/recipes/r.yaml:3:22: error: recipe 'r' has no input 'nope' (inputs: n)")
    }

    @Test func everyProblemOfARecipeIsReportedAtOnceInTheOrderFound() {
        #expect(
            message("summary: x\ntag: [a]\ninputs:\n  n: {type: itn, defualt: 3}\nrun: echo ${{ inputs.m }}\n")
                == """
                /x/recipes/r.yaml:2:1: error: unknown field 'tag' in recipe; did you mean 'tags'? (known fields: name, \
                summary, doc, tags, inputs, variations, needs, run, container, outputs, metrics, env, cache, if, \
                resources, timeout, retries, repeat, runner, assets)
                /x/recipes/r.yaml:4:18: error: unknown field 'defualt' in input 'n'; did you mean 'default'? (known \
                fields: type, default, doc, choices, items)
                /x/recipes/r.yaml:4:13: error: 'type' of input 'n': expected one of string, int, float, bool, path, \
                choice, list, found 'itn'; did you mean 'int'?
                /x/recipes/r.yaml:5:6: error: expression names nothing: 'inputs.m'; did you mean 'inputs.n'? (known \
                here: inputs.n)
                """)
    }
}
