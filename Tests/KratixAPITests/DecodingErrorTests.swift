import Testing

@testable import KratixAPI
@testable import KubeModel

/// Bad input must produce an error a user can act on: file, document index and field.
@Suite struct DecodingErrorTests {
    private func decodeAll(_ yaml: String, source: String = "input.yaml") throws {
        for document in try YAMLReader.documents(in: yaml, source: source) {
            _ = try KratixObject.decode(document)
        }
    }

    private let goodPromise = """
        apiVersion: platform.kratix.io/v1alpha1
        kind: Promise
        metadata:
          name: ok
        spec: {}
        """

    @Test func workflowsAsAStringNamesTheField() {
        let yaml = goodPromise + "\n---\n" + """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata:
              name: bad
            spec:
              workflows: "configure everything"
            """
        #expect {
            try decodeAll(yaml)
        } throws: { error in
            guard let e = error as? ModelError else { return false }
            return e.source == "input.yaml" && e.documentIndex == 1 && e.field == "spec.workflows"
                && e.description == "input.yaml: document 1: spec.workflows: expected object, found string"
        }
    }

    @Test func unknownKindIsNamed() {
        let yaml = goodPromise + "\n---\napiVersion: platform.kratix.io/v1alpha1\nkind: Promize\nmetadata: {name: x}\n"
        #expect {
            try decodeAll(yaml, source: "typo.yaml")
        } throws: { error in
            guard let e = error as? ModelError else { return false }
            return e.reason == .unknownKind(apiVersion: "platform.kratix.io/v1alpha1", kind: "Promize")
                && e.documentIndex == 1 && e.source == "typo.yaml" && e.field == "kind"
        }
    }

    @Test func malformedYAMLGivesFileDocumentAndLine() {
        let yaml = goodPromise + "\n---\napiVersion: platform.kratix.io/v1alpha1\nkind: Promise\nmetadata:\n  name: [unclosed\n"
        #expect {
            try decodeAll(yaml, source: "broken.yaml")
        } throws: { error in
            guard let e = error as? ModelError, case .yamlSyntax(let line, _, _) = e.reason else { return false }
            return e.source == "broken.yaml" && e.documentIndex == 1 && line >= 8
        }
    }

    @Test func pipelineTyposAreRejectedWithTheirPath() {
        let yaml = """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: p}
            spec:
              workflows:
                resource:
                  configure:
                  - apiVersion: platform.kratix.io/v1alpha1
                    kind: Pipeline
                    metadata: {name: a}
                    spec:
                      containers:
                      - name: c
                        image: x
                        workingDir: /tmp
            """
        #expect {
            try decodeAll(yaml)
        } throws: { error in
            (error as? ModelError)?.reason == .unknownField(field: "spec.workflows.resource.configure[0].spec.containers[0].workingDir")
        }
    }

    @Test func pipelineWithWrongKindIsRejected() {
        let value: JSONValue = ["apiVersion": "platform.kratix.io/v1alpha1", "kind": "Job", "metadata": ["name": "x"]]
        #expect {
            try Pipeline.parse(value, path: "spec.workflows.promise.configure[0]")
        } throws: { error in
            (error as? ModelError)?.field == "spec.workflows.promise.configure[0].kind"
        }
    }

    @Test func enumValuesAreChecked() {
        let yaml = """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Destination
            metadata: {name: d}
            spec:
              path: d
              filepath: {mode: sideways}
            """
        #expect {
            try decodeAll(yaml)
        } throws: { error in
            (error as? ModelError)?.field == "spec.filepath.mode"
        }
    }

    /// What upstream's webhook refuses: a repeated pipeline name, or a pipeline without containers.
    @Test(arguments: [
        ("[{name: a, image: busybox}]", "[{name: a, image: busybox}]", "spec.workflows.resource.configure[1].metadata.name"),
        ("[{name: a, image: busybox}]", "[]", "spec.workflows.resource.configure[1].spec.containers"),
    ])
    func pipelineListsAreChecked(first: String, second: String, field: String) {
        let secondName = second == "[]" ? "b" : "a"
        let yaml = """
            apiVersion: platform.kratix.io/v1alpha1
            kind: Promise
            metadata: {name: p}
            spec:
              workflows:
                resource:
                  configure:
                    - {apiVersion: platform.kratix.io/v1alpha1, kind: Pipeline, metadata: {name: a}, spec: {containers: \(first)}}
                    - {apiVersion: platform.kratix.io/v1alpha1, kind: Pipeline, metadata: {name: \(secondName)}, spec: {containers: \(second)}}
            """
        #expect {
            try decodeAll(yaml, source: "p.yaml")
        } throws: { error in
            (error as? ModelError)?.field == field
        }
    }
}
