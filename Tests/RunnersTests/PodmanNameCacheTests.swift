import Testing

@testable import Runners

/// Which image names keep podman's answer, under the name podman's store records (the store itself, re-tags and
/// another store are tested with the real podman in CLITests' ContainerNameCacheTests).
@Suite("podman image names kept")
struct PodmanNameCacheTests {
    @Test func onlyFullyQualifiedNamesWithoutADigestAreKeptUnderTheirStoreName() {
        #expect(PodmanNameCache.storeName("localhost/repro/debian:bookworm-1") == "localhost/repro/debian:bookworm-1")
        #expect(PodmanNameCache.storeName("localhost/debian") == "localhost/debian:latest")
        #expect(PodmanNameCache.storeName("quay.io/a/b") == "quay.io/a/b:latest")
        #expect(PodmanNameCache.storeName("registry:5000/a:2") == "registry:5000/a:2")
        // Short names go through aliases and search registries; digests and odd text are always asked.
        for reference in ["debian:12", "debian", "library/debian:12", "localhost/a@sha256:0123", "", "localhost/"] {
            #expect(PodmanNameCache.storeName(reference) == nil, "\(reference)")
        }
    }

    @Test func theStoreHoldsANameOnlyWithItsOwnImage() {
        let json = """
            [{"id": "aa11", "names": ["localhost/x:1"]}, {"id": "bb22", "names": ["localhost/y:1", "localhost/z:1"]}]
            """
        let bytes = Array(json.utf8)
        #expect(PodmanNameCache.holds(bytes, name: "localhost/x:1", id: "aa11"))
        #expect(PodmanNameCache.holds(bytes, name: "localhost/z:1", id: "sha256:bb22"))
        #expect(!PodmanNameCache.holds(bytes, name: "localhost/x:1", id: "bb22"))
        #expect(!PodmanNameCache.holds(Array("not json".utf8), name: "localhost/x:1", id: "aa11"))
    }
}
