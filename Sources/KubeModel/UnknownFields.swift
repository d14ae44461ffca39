import OrderedCollections

/// The members of a JSON object that a typed model does not declare.
///
/// Give a `Codable` model a stored property `var unknownFields = UnknownFields()` and
/// ``JSONValueDecoder`` fills it with every member that is not one of the model's coding keys;
/// ``JSONValueEncoder`` writes them back beside the known members. This is how typed Kratix objects
/// keep fields added by newer API versions or other tools through a read-modify-write cycle.
/// (It only has this meaning for the JSONValue coders; other coders see an ordinary empty object.)
public struct UnknownFields: Sendable, Equatable, Codable {
    public var members: JSONObject

    public init(_ members: JSONObject = [:]) { self.members = members }

    public var isEmpty: Bool { members.isEmpty }

    public init(from decoder: any Decoder) throws {
        members = [:]
    }

    public func encode(to encoder: any Encoder) throws {}

    public static func == (lhs: UnknownFields, rhs: UnknownFields) -> Bool {
        JSONValue.object(lhs.members) == JSONValue.object(rhs.members)
    }
}
