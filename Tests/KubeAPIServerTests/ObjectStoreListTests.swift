import Foundation
import KubeModel
import Testing

@testable import KubeAPIServer

/// Paginated lists: pages in key order, a namespace's run only, and objects that come or go
/// between pages seen as a fresh sort would see them (the sorted keys are cached between pages).
@Suite struct ObjectStoreListTests {
    let secrets = BuiltinResources.all.first { $0.plural == "secrets" }!
    let namespaces = BuiltinResources.all.first { $0.plural == "namespaces" }!

    /// A store with these namespaces.
    private func store(namespaces names: [String]) async throws -> ObjectStore {
        let store = ObjectStore()
        for name in names { _ = try await store.create(namespaces, namespace: nil, object: ["metadata": ["name": .string(name)]], dryRun: false) }
        return store
    }

    private func create(_ store: ObjectStore, _ namespace: String, _ name: String) async throws {
        _ = try await store.create(secrets, namespace: namespace, object: ["metadata": ["name": .string(name)]], dryRun: false)
    }

    /// Every page of a list, in order.
    private func pages(_ store: ObjectStore, namespace: String?, limit: Int) async -> [[String]] {
        var out: [[String]] = []
        var after: String?
        repeat {
            let page = await store.list(secrets, filter: WatchFilter(namespace: namespace), limit: limit, continueAfter: after)
            out.append(page.items.map { KubeObject($0).name ?? "" })
            after = page.continueKey
        } while after != nil
        return out
    }

    @Test func pagesFollowKeyOrderAndStayInTheirNamespace() async throws {
        let store = try await store(namespaces: ["team-a", "team-b", "team-c"])
        for name in ["c", "a", "e", "b", "d"] { try await create(store, "team-b", name) }
        for name in ["z", "y"] { try await create(store, "team-a", name) }
        try await create(store, "team-c", "x")
        #expect(await pages(store, namespace: "team-b", limit: 2) == [["a", "b"], ["c", "d"], ["e"]])
        #expect(await pages(store, namespace: "team-a", limit: 10) == [["y", "z"]])
        // "team" alone is not a prefix of anyone's namespace run.
        #expect(await pages(store, namespace: "team", limit: 10) == [[]])
        let everything = await pages(store, namespace: nil, limit: 3).flatMap { $0 }
        #expect(everything == ["y", "z", "a", "b", "c", "d", "e", "x"])
    }

    @Test func objectsCreatedOrDeletedBetweenPagesAreSeenAsBySortingAfresh() async throws {
        let store = try await store(namespaces: ["ns"])
        for name in ["a", "c", "e", "g"] { try await create(store, "ns", name) }
        let first = await store.list(secrets, filter: WatchFilter(namespace: "ns"), limit: 2)
        #expect(first.items.map { KubeObject($0).name } == ["a", "c"])
        // A key after the page, one before it (not seen: it sorts before the token), one removed.
        try await create(store, "ns", "f")
        try await create(store, "ns", "b")
        _ = try await store.delete(secrets, namespace: "ns", name: "e", dryRun: false)
        let second = await store.list(secrets, filter: WatchFilter(namespace: "ns"), limit: 2, continueAfter: first.continueKey)
        #expect(second.items.map { KubeObject($0).name } == ["f", "g"])
        #expect(second.continueKey == nil)
    }
}
