import Foundation
import KratixAuthoring
import Testing

/// kratix-cli plugins (§5.11; §5 scenario 13 through the library).
@Suite struct PluginsTests {
    static func plugin(_ directory: ScratchDirectory, _ name: String, executable: Bool = true) throws {
        try directory.write(name, "#!/bin/sh\necho \"$@\"\n")
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: "\(directory.path)/\(name)")
    }

    @Test func theLongestPluginNameWinsAndDashesAreUnderscoresInFiles() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        try Self.plugin(directory, "kratix-foo_bar")
        try Self.plugin(directory, "kratix-foo_bar-baz")
        let short = try #require(try Plugins.resolve(["foo-bar", "x", "--flag"], path: directory.path))
        #expect(short.executable == "\(directory.path)/kratix-foo_bar")
        #expect(short.arguments == ["x", "--flag"])
        let long = try #require(try Plugins.resolve(["foo-bar", "baz", "y"], path: directory.path))
        #expect(long.executable == "\(directory.path)/kratix-foo_bar-baz")
        #expect(long.arguments == ["y"])
        #expect(try Plugins.resolve(["nothing"], path: directory.path) == nil)
        #expect(throws: AuthoringError("flags cannot be placed before plugin name: --x")) { try Plugins.resolve(["--x", "foo-bar"], path: directory.path) }
    }

    @Test func listShowsCommandFormsAndWarns() throws {
        let first = try ScratchDirectory()
        let second = try ScratchDirectory()
        defer { first.remove(); second.remove() }
        try Self.plugin(first, "kratix-foo_bar")
        try Self.plugin(second, "kratix-foo_bar")
        try Self.plugin(first, "kratix-init")
        try Self.plugin(first, "kratix-broken", executable: false)
        let listing = Plugins.list(path: "\(first.path):\(second.path)", builtins: ["init", "build"])
        #expect(listing.output.hasPrefix("The following compatible plugins are available:\n\n"))
        #expect(listing.output.contains("kratix foo-bar" + String(repeating: " ", count: 26) + " (\(first.path))\n"))
        #expect(listing.output.contains("(\(second.path))"))
        #expect(listing.warnings.contains("Skipping plugin \"\(first.path)/kratix-broken\" as it is not executable"))
        #expect(listing.warnings.contains("  - warning: \(second.path)/kratix-foo_bar is overshadowed by a similarly named plugin: \(first.path)/kratix-foo_bar"))
        #expect(listing.warnings.contains("  - warning: kratix-init overwrites existing command: \"kratix init\""))
        #expect(listing.error == "error: 2 plugin warnings were found")
        #expect(Plugins.list(path: "/nonexistent", builtins: []).error == "error: unable to find any kratix plugins in your PATH")
    }
}
