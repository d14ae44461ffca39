import KubeClient
import KubeModel
import Testing

@Suite struct DiscoveryTests {
    @Test func builtInKinds() async throws {
        try await withClient { _, client in
            let deployments = try await client.discovery.resource(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
            #expect(deployments.resource == GroupVersionResource(group: "apps", version: "v1", resource: "deployments"))
            #expect(deployments.namespaced)
            #expect(deployments.verbs.contains("watch"))
            #expect(deployments.subresources == ["status", "scale"])
            let pods = try await client.discovery.resource(for: GroupVersionKind(group: "", version: "v1", kind: "Pod"))
            #expect(pods.resource == .pods)
            #expect(Set(pods.subresources) == ["status", "log"])
            let namespaces = try await client.discovery.resource(for: GroupVersionKind(group: "", version: "v1", kind: "Namespace"))
            #expect(!namespaces.namespaced)
            await #expect {
                try await client.discovery.resource(for: GroupVersionKind(group: "apps", version: "v1", kind: "Nonsense"))
            } throws: { error in
                guard case .notFound = error as? ClientError else { return false }
                return "\(error)" == #"no matches for kind "Nonsense" in version "apps/v1""#
            }
        }
    }

    @Test func crdsCreatedAfterTheFirstLookupResolve() async throws {
        try await withClient { _, client in
            let gadget = GroupVersionKind(group: "disc.kratix.io", version: "v1", kind: "Gadget")
            // The group is not served yet.
            await #expect(throws: ClientError.self) { try await client.discovery.resource(for: gadget) }

            _ = try await client.create(.customResourceDefinitions, widgetCRD(group: "disc.kratix.io"))
            let widget = try await client.discovery.resource(for: GroupVersionKind(group: "disc.kratix.io", version: "v1", kind: "Widget"))
            #expect(widget.resource.resource == "widgets")
            #expect(widget.subresources == ["status"])
            // The group-version is now cached without Gadget: a miss reads it again, still no Gadget.
            await #expect(throws: ClientError.self) { try await client.discovery.resource(for: gadget) }

            // Installed at run time into the cached group: the miss invalidates and it resolves.
            _ = try await client.create(.customResourceDefinitions, widgetCRD(group: "disc.kratix.io", kind: "Gadget", plural: "gadgets"))
            let found = try await client.discovery.resource(for: gadget)
            #expect(found.resource == GroupVersionResource(group: "disc.kratix.io", version: "v1", resource: "gadgets"))
            #expect(found.namespaced)
            #expect(found.groupVersionKind == gadget)

            await client.discovery.invalidate()
            #expect(try await client.discovery.resources(in: GroupVersion(group: "disc.kratix.io", version: "v1")).count == 2)
        }
    }
}
