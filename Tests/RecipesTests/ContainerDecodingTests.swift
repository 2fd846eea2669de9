import Testing

@testable import Recipes

/// `container:` in recipes (the suite's `decode` and `message` helpers).
extension RecipeDecoderTests {
    @Test func anImageNameAloneOrAMapping() throws {
        let short = try decode("summary: s\ncontainer: localhost/debian:12\nrun: cat /etc/os-release\n")
        #expect(short.container?.image.source == "localhost/debian:12")
        #expect(short.container?.runtime == .auto)
        #expect(short.container?.network == false)
        let full = try decode(
            """
            summary: s
            needs:
              os: {recipe: debian-image}
            container:
              image: ${{ needs.os.outputs.archive }}
              runtime: podman
              network: true
            run: "true"
            """)
        #expect(full.container?.image.references == [["needs", "os", "outputs", "archive"]])
        #expect(full.container?.runtime == .podman)
        #expect(full.container?.network == true)
    }

    @Test func badContainersAreErrorsWithTheirPlace() {
        #expect(
            message("summary: s\ncontainer: {image: x, runtime: podmn}\nrun: 'true'\n")
                == "/x/recipes/r.yaml:2:32: error: 'container.runtime': expected auto, podman, docker, apptainer, "
                + "found 'podmn'; did you mean 'podman'?")
        #expect(
            message("summary: s\ncontainer: {runtime: podman}\nrun: 'true'\n")
                == "/x/recipes/r.yaml:2:12: error: 'container' is missing the required field 'image'")
        #expect(
            message("summary: s\ncontainer: {image: x, mounts: [/data]}\nrun: 'true'\n").hasPrefix(
                "/x/recipes/r.yaml:2:23: error: unknown field 'mounts' in 'container'"))
        #expect(
            message("summary: s\ncontainer: x\n")
                == "/x/recipes/r.yaml:2:12: error: a recipe with 'container' is missing the required field 'run'")
        #expect(
            message("summary: s\ncontainer: x\nrun: {action: write-file, with: {path: a, text: b}}\n")
                == "/x/recipes/r.yaml:3:15: error: 'container': runs a shell step, not the built-in action "
                + "'write-file' (actions run inside repro itself)")
        #expect(
            message("summary: s\ncontainer: {image: '${{ node.out }}/x.tar'}\nrun: 'true'\n")
                == "/x/recipes/r.yaml:2:20: error: 'container.image': 'node.out' is not known when the image is "
                + "chosen (it may read inputs, needs, recipe and host)")
        #expect(
            message("summary: s\ncontainer: '${{ needs.os.outputs.archive }}'\nrun: 'true'\n").hasPrefix(
                "/x/recipes/r.yaml:2:12: error: expression names nothing: 'needs.os'"))
        #expect(
            message("summary: s\ncontainer: {image: x, network: maybe}\nrun: 'true'\n").hasPrefix(
                "/x/recipes/r.yaml:2:32: error: 'container.network' must be true or false"))
    }
}
