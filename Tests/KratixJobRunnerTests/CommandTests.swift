import KubeClient
import Testing

@testable import KratixJobRunner

@Suite struct CommandTests {
    @Test func expansionFollowsKubernetes() {
        let env = ["A": "x", "EMPTY": ""]
        let expand = { (text: String) in VariableExpansion.expand(text) { env[$0] } }
        #expect(expand("$(A)") == "x")
        #expect(expand("a-$(A)-b") == "a-x-b")
        #expect(expand("$$(A)") == "$(A)")
        #expect(expand("$$$$") == "$$")
        #expect(expand("$(MISSING)") == "$(MISSING)")
        #expect(expand("$(EMPTY)|") == "|")
        #expect(expand("$A ${A} $") == "$A ${A} $")
        #expect(expand("$(A") == "$(A")
        #expect(expand("price: 5$") == "price: 5$")
    }

    @Test func commandAndArgsCombineWithTheImage() throws {
        let image = ImageMap.Entry(image: "i", command: ["/entry"], args: ["cmd"])
        #expect(try ContainerCommand.resolve(command: nil, args: nil, image: image, environment: [:]).argv == ["/entry", "cmd"])
        #expect(try ContainerCommand.resolve(command: nil, args: ["a", "$(X)"], image: image, environment: ["X": "1"]).argv == ["/entry", "a", "1"])
        #expect(try ContainerCommand.resolve(command: ["/other"], args: nil, image: image, environment: [:]).argv == ["/other"])
        #expect(try ContainerCommand.resolve(command: ["/other", "$(X)"], args: ["b"], image: image, environment: ["X": "1"]).argv == ["/other", "1", "b"])
        #expect(throws: ContainerCommand.ResolutionError.empty) {
            try ContainerCommand.resolve(command: nil, args: nil, image: ImageMap.Entry(image: "i"), environment: [:])
        }
    }

    @Test func backoffDoublesUpToItsMaximum() {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(10))
        #expect((0...6).map { backoff.delay(afterFailures: $0) } == [.zero, .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
    }

    @Test func theTailKeepsTheLastTwentyLines() {
        var tail = OutputTail()
        #expect(tail.message == nil)
        for i in 1...50 { tail.append(Array("line \(i)\n".utf8)) }
        let lines = tail.message?.split(separator: "\n") ?? []
        #expect(lines.count == 20 && lines.first == "line 31" && lines.last == "line 50")
    }

    @Test func theMountScriptQuotesAndOrdersMounts() {
        let namespace = MountNamespace(mode: .root, unshare: "/usr/bin/unshare", mount: "/bin/mount", mkdir: "/bin/mkdir", shell: "/bin/sh")
        let script = MountScript.render(ContainerView(mounts: [
            BindMount(source: "/pod/vol/b", target: "/kratix/output/sub", readOnly: true, isFile: false),
            BindMount(source: "/pod/it's", target: "/kratix/output", readOnly: false, isFile: false),
        ], workingDirectory: "/"), namespace: namespace)
        let parent = script.range(of: "'/bin/mount' --rbind '/pod/it'")?.lowerBound
        let child = script.range(of: "'/bin/mount' --rbind '/pod/vol/b'")?.lowerBound
        #expect(parent != nil && child != nil && (parent ?? script.endIndex) < (child ?? script.startIndex))
        #expect(script.contains("'/pod/it'\\''s'"))
        #expect(script.contains("remount,bind,ro '/kratix/output/sub'"))
        #expect(script.hasSuffix("exec \"$@\""))
        #expect(namespace.argv(script: "s", program: ["/bin/echo", "hi"]) == [
            "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", "s", "kratix-runner", "/bin/echo", "hi",
        ])
    }

    /// Confined, a volume under /tmp is mounted inside the pod's own /tmp first, and the private
    /// /tmp (whose host directory lies under the host's /tmp) goes last: once it covers /tmp, no
    /// source under the host's /tmp could be found.
    @Test func privateDirectoriesGoAfterTheMountsTheyHold() {
        let privateTmp = BindMount(source: "/tmp/w/pod/private/tmp", target: "/tmp", readOnly: false, isFile: false)
        let home = BindMount(source: "/tmp/w/pod/private/home", target: "/root", readOnly: false, isFile: false)
        let output = BindMount(source: "/tmp/w/pod/volumes/out", target: "/kratix/output", readOnly: false, isFile: false)
        let cache = BindMount(source: "/tmp/w/pod/volumes/cache", target: "/tmp/cache", readOnly: true, isFile: false)
        let placed = MountScript.order([output, cache, privateTmp, home], privateDirectories: [privateTmp, home])
        #expect(placed.last?.mount == privateTmp)
        #expect(placed.first { $0.mount == cache }?.mountPoint == "/tmp/w/pod/private/tmp/cache")
        #expect(placed.first { $0.mount == output }?.mountPoint == "/kratix/output")
        let namespace = MountNamespace(mode: .confined(.default), unshare: "/usr/bin/unshare", mount: "/bin/mount", mkdir: "/bin/mkdir",
                                       shell: "/bin/sh", setpriv: "/usr/bin/setpriv")
        let script = MountScript.render(ContainerView(
            mounts: [output, cache], workingDirectory: "/work", privateDirectories: [privateTmp, home], hiddenPaths: ["/srv/data", "/tmp/w"],
            user: ContainerUser(insideUID: 0, insideGID: 0, hostUID: 1_000_000_123, hostGID: 1_000_000_123), watchesLifeline: true),
            namespace: namespace)
        // The read-only remount is where the container sees the volume, after its /tmp is in place.
        #expect(script.contains("remount,bind,ro '/tmp/cache'"))
        #expect(script.contains("kratix-hidden '/srv/data'") && !script.contains("kratix-hidden '/tmp/w'"))
        #expect(script.contains("'--reuid=1000000123'") && script.contains("'--map-user=0'"))
        #expect(script.contains("read -r _ <&3; kill -KILL -1;"))
        #expect(namespace.argv(script: "s", program: ["/bin/true"]).prefix(7) == [
            "/usr/bin/unshare", "--mount", "--propagation", "private", "--pid", "--fork", "--mount-proc",
        ])
    }
}
