import KubeClient
import KubeModel
import Testing

/// A typed model of the test CRD.
struct Widget: KubeResource, Equatable {
    static let groupVersionKind = GroupVersionKind(group: "typed.kratix.io", version: "v1", kind: "Widget")
    static let groupVersionResource = GroupVersionResource(group: "typed.kratix.io", version: "v1", resource: "widgets")
    static let namespaced = true

    struct Spec: Codable, Equatable, Sendable {
        var size: Int
        var color: String?
    }

    struct Status: Codable, Equatable, Sendable {
        var phase: String?
        var ready: Bool?
    }

    var apiVersion = "typed.kratix.io/v1"
    var kind = "Widget"
    var metadata: ObjectMeta
    var spec: Spec
    var status: Status?

    init(name: String, size: Int) {
        metadata = ObjectMeta(name: name)
        spec = Spec(size: size)
    }
}

/// The same objects read with a model that disagrees about a field's type.
struct MistypedWidget: KubeResource {
    static let groupVersionKind = Widget.groupVersionKind
    static let groupVersionResource = Widget.groupVersionResource
    static let namespaced = true
    struct Spec: Codable, Sendable { var size: String }
    var metadata: ObjectMeta
    var spec: Spec
}

@Suite struct TypedApiTests {
    @Test func typedVerbs() async throws {
        try await withClient { _, client in
            _ = try await client.create(.customResourceDefinitions, widgetCRD(group: "typed.kratix.io"))
            let widgets = client.api(Widget.self, namespace: "default")

            let created = try await widgets.create(Widget(name: "w1", size: 1))
            #expect(created.metadata.namespace == "default")
            #expect(created.metadata.uid != nil)
            #expect(created.spec == Widget.Spec(size: 1))

            var changed = try await widgets.get("w1")
            changed.spec.color = "blue"
            let updated = try await widgets.update(changed)
            #expect(updated.spec.color == "blue")
            // A stale write conflicts.
            await #expect {
                try await widgets.update(created)
            } throws: { error in
                if case .conflict = error as? ClientError { return true }
                return false
            }

            var withStatus = updated
            withStatus.status = Widget.Status(phase: "Ready")
            #expect(try await widgets.updateStatus(withStatus).status?.phase == "Ready")
            let patched = try await widgets.patch("w1", .merge(["status": ["ready": true]]), subresource: "status")
            #expect(patched.status == Widget.Status(phase: "Ready", ready: true))

            _ = try await widgets.create(Widget(name: "w2", size: 2))
            let list = try await widgets.list()
            #expect(list.items.map(\.metadata.name) == ["w1", "w2"])
            #expect(!list.resourceVersion.isEmpty)
            #expect(try await widgets.listAll(ListOptions(limit: 1)).items.count == 2)

            // Typed watch from the list's version sees later changes decoded.
            var events: [TypedWatchEvent<Widget>] = []
            _ = try await widgets.patch(name: "w2", .merge(["spec": ["size": 20]]))
            for try await event in widgets.watch(WatchOptions(resourceVersion: list.resourceVersion, timeoutSeconds: 1)) {
                events.append(event)
            }
            #expect(events.map(\.type) == [.modified])
            #expect(events.first?.object?.spec.size == 20)

            try await widgets.delete("w1")
            await #expect(throws: ClientError.self) { try await widgets.get(name: "w1") }

            // Decoding failures name the object and the field.
            await #expect {
                try await client.api(MistypedWidget.self, namespace: "default").get("w2")
            } throws: { error in
                guard case .decoding(let message) = error as? ClientError else { return false }
                return message.contains("default/w2") && message.contains("spec.size")
            }
        }
    }
}
