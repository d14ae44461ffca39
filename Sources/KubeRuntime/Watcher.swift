import DequeModule
import KubeClient
import KubeModel
import Logging

/// List-then-watch of one resource as an `AsyncSequence` of `WatcherEvent`s that never ends on its
/// own: transient errors are retried with backoff, closed watches resumed, expired ones relisted.
/// It holds at most one list page in memory, and reads the watch only as fast as it is consumed.
public struct Watcher: AsyncSequence, Sendable {
    public typealias Element = WatcherEvent

    public struct Configuration: Sendable {
        public var namespace: String?
        public var labelSelector: String?
        public var fieldSelector: String?
        /// Objects per list page.
        public var pageSize: Int
        /// Asked of the server per watch; it closes the stream after about this long.
        public var watchTimeoutSeconds: Int

        public init(namespace: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
                    pageSize: Int = 500, watchTimeoutSeconds: Int = 290) {
            self.namespace = namespace
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
            self.pageSize = pageSize
            self.watchTimeoutSeconds = watchTimeoutSeconds
        }
    }

    public let client: KubeClient
    public let resource: GroupVersionResource
    public let configuration: Configuration
    public let logger: Logger

    public init(client: KubeClient, resource: GroupVersionResource, configuration: Configuration = .init(),
                logger: Logger = Logger(label: "kratix.watcher")) {
        self.client = client
        self.resource = resource
        self.configuration = configuration
        self.logger = logger
    }

    public func makeAsyncIterator() -> Iterator { Iterator(watcher: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let watcher: Watcher
        var machine = StateMachine()
        var pending = Deque<WatcherEvent>()
        var stream: WatchStream.AsyncIterator?

        init(watcher: Watcher) { self.watcher = watcher }

        /// `nil` only when the task is cancelled.
        public mutating func next() async throws -> WatcherEvent? {
            while !Task.isCancelled {
                if let event = pending.popFirst() { return event }
                do {
                    if var open = stream {
                        let event = try await open.next()
                        stream = open
                        guard let event else {
                            stream = nil
                            machine.streamEnded()
                            continue
                        }
                        if let out = machine.received(event) { return out }
                        continue
                    }
                    switch machine.nextAction {
                    case .list(let token):
                        let options = ListOptions(labelSelector: watcher.configuration.labelSelector,
                                                  fieldSelector: watcher.configuration.fieldSelector,
                                                  limit: watcher.configuration.pageSize, continueToken: token)
                        let page = try await watcher.client.list(watcher.resource, namespace: watcher.configuration.namespace, options: options)
                        pending.append(contentsOf: machine.listed(page))
                    case .watch(let rv):
                        let options = WatchOptions(labelSelector: watcher.configuration.labelSelector,
                                                   fieldSelector: watcher.configuration.fieldSelector,
                                                   resourceVersion: rv, allowWatchBookmarks: true,
                                                   timeoutSeconds: watcher.configuration.watchTimeoutSeconds)
                        stream = watcher.client.watch(watcher.resource, namespace: watcher.configuration.namespace, options: options).makeAsyncIterator()
                    }
                } catch {
                    stream = nil
                    if Task.isCancelled { return nil }
                    let delay = machine.failed(error)
                    if delay > .zero {
                        watcher.logger.warning("watch of \(watcher.resource) failed, retrying in \(delay)", metadata: ["error": "\(error)"])
                        try? await Task.sleep(for: delay)
                    } else {
                        watcher.logger.info("watch of \(watcher.resource) expired, relisting")
                    }
                }
            }
            return nil
        }
    }
}
