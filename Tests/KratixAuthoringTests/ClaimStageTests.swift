import Foundation
import KratixAuthoring
import KratixTestSupport
import KubeModel
import Testing

/// upstream's `stages/{operator,crossplane}-promise/test/stage_test.go`.
@Suite struct ClaimStageTests {
    /// The output upstream's tests expect (they match it as a prefix of stdout).
    static let expected = """
        apiVersion: example.com/v1
        kind: Example
        metadata:
          annotations:
            image-registry: ghcr.io
          labels:
            app.kubernetes.io/name: test-object
            keyy: value
          name: test-object
          namespace: default
        spec:
          arr:
          - field: value
          field: value
          nested:
            field: value
          number: 7

        """

    static let cases: [(ClaimStage, String, [String])] = [
        (.operator_, "operator-promise", ["OPERATOR_GROUP", "OPERATOR_VERSION", "OPERATOR_KIND"]),
        (.crossplane, "crossplane-promise", ["XRD_GROUP", "XRD_VERSION", "XRD_KIND"]),
    ]

    func environment(_ stage: String, _ names: [String], output: String) -> [String: String] {
        [
            "KRATIX_INPUT_FILE": CLITestData.url("stages").appendingPathComponent("\(stage)/test/assets/test-object.yaml").path,
            "KRATIX_OUTPUT_FILE": output, names[0]: "example.com", names[1]: "v1", names[2]: "Example",
        ]
    }

    @Test(arguments: [0, 1])
    func writesTheRequestAsTheTargetKindInTheDefaultNamespace(index: Int) throws {
        let (stage, folder, names) = Self.cases[index]
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        try stage.run(environment: environment(folder, names, output: "\(directory.path)/object.yaml"))
        #expect(try directory.read("object.yaml") == Self.expected)
    }

    @Test(arguments: [0, 1])
    func failsNamingWhatIsMissing(index: Int) throws {
        let (stage, folder, names) = Self.cases[index]
        for name in names {
            var env = environment(folder, names, output: "/dev/null")
            env.removeValue(forKey: name)
            #expect(throws: AuthoringError("Expected \(name) to be set")) { try stage.run(environment: env) }
        }
        var noInput = environment(folder, names, output: "/dev/null")
        noInput.removeValue(forKey: "KRATIX_INPUT_FILE")
        do {
            try stage.run(environment: noInput)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("Failed to read object file from /kratix/input/object.yaml"))
        }
        // (A pod's /kratix/output is not written here: this machine may have one.)
        #expect(ClaimStage.files(environment: [:]) == ("/kratix/input/object.yaml", "/kratix/output/object.yaml"))
        var unwritable = environment(folder, names, output: "/nonexistent-directory/object.yaml")
        unwritable["KRATIX_OUTPUT_FILE"] = "/nonexistent-directory/object.yaml"
        do {
            try stage.run(environment: unwritable)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("Failed to write object file to /nonexistent-directory/object.yaml"))
        }
    }

    @Test func aRequestWithoutSpecGetsAnEmptyOne() {
        let out = ClaimStage.transform(["metadata": ["name": "a"]], group: "g", version: "v", kind: "K")
        #expect(out["spec"] == .object([:]))
        #expect(out["metadata"] == ["name": "a", "namespace": "default"])
    }
}

/// `kratix dev` runs the stages the generated Promises reference: `examples/images.yaml` maps
/// each of their images to this binary's stage subcommand.
@Suite struct StageImageMapTests {
    @Test func theGeneratedPromisesImagesAreMapped() throws {
        let text = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("examples/images.yaml"), encoding: .utf8)
        let entries = try #require(try GoYAML.unmarshal(text, file: "examples/images.yaml")?["images"]?.arrayValue)
        for (image, command) in [
            (OperatorPromiseInit.image, "from-api-to-operator"), (CrossplanePromiseInit.image, "from-api-to-crossplane-claim"),
        ] {
            let repository = String(image.split(separator: ":").first ?? "")
            let entry = entries.first { $0["image"]?.stringValue == repository }
            #expect(entry?["command"] == ["kratix", .string(command)], "\(repository)")
        }
    }
}
