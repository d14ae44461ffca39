import KubeModel

/// One change of a typed watch.
public struct TypedWatchEvent<R: KubeResource>: Sendable {
    public var type: WatchEventType
    /// The decoded object; `nil` for bookmarks, which carry only a resourceVersion.
    public var object: R?
    /// The object as it came, for its metadata.
    public var raw: KubeObject

    public var resourceVersion: String? { raw.resourceVersion }
}

/// A ``WatchStream`` whose objects are decoded to `R`; a decoding failure is thrown as
/// ``ClientError/decoding(_:)`` naming the object and field.
public struct TypedWatchStream<R: KubeResource>: AsyncSequence, Sendable {
    public typealias Element = TypedWatchEvent<R>
    public typealias Failure = any Error

    public let events: WatchStream

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: events.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = TypedWatchEvent<R>
        public typealias Failure = any Error

        var base: WatchStream.AsyncIterator

        public mutating func next() async throws(ClientError) -> TypedWatchEvent<R>? {
            guard let event = try await base.next() else { return nil }
            let object: R? = event.type == .bookmark ? nil : try Api<R>.decode(event.object)
            return TypedWatchEvent(type: event.type, object: object, raw: event.object)
        }
    }
}
