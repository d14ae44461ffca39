import Foundation

/// RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, anything else replaces.
public enum JSONMergePatch {
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result: JSONObject
        if case .object(let o) = target { result = o } else { result = [:] }
        for (key, value) in patchObject {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}

/// RFC 6902 JSON patch: a list of `add`, `remove`, `replace`, `move`, `copy` and `test` operations.
public enum JSONPatch {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public static func apply(_ patch: JSONValue, to target: JSONValue) throws(Failure) -> JSONValue {
        guard case .array(let operations) = patch else { throw Failure(message: "a JSON patch must be an array of operations") }
        var document = target
        for (index, operation) in operations.enumerated() {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                throw Failure(message: "operation \(index): needs op and path")
            }
            let pointer = try parsePointer(path)
            switch op {
            case "add":
                guard let value = operation["value"] else { throw Failure(message: "operation \(index): add needs a value") }
                document = try add(value, at: pointer, in: document)
            case "remove":
                document = try remove(at: pointer, in: document)
            case "replace":
                guard let value = operation["value"] else { throw Failure(message: "operation \(index): replace needs a value") }
                _ = try get(pointer, in: document)
                document = try remove(at: pointer, in: document)
                document = try add(value, at: pointer, in: document)
            case "move", "copy":
                guard let from = operation["from"]?.stringValue else { throw Failure(message: "operation \(index): \(op) needs from") }
                let fromPointer = try parsePointer(from)
                let value = try get(fromPointer, in: document)
                if op == "move" { document = try remove(at: fromPointer, in: document) }
                document = try add(value, at: pointer, in: document)
            case "test":
                guard let value = operation["value"] else { throw Failure(message: "operation \(index): test needs a value") }
                guard try get(pointer, in: document) == value else {
                    throw Failure(message: "operation \(index): test failed at \(path)")
                }
            default:
                throw Failure(message: "operation \(index): unknown op \"\(op)\"")
            }
        }
        return document
    }

    static func parsePointer(_ path: String) throws(Failure) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else { throw Failure(message: "invalid JSON pointer \"\(path)\"") }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func get(_ pointer: [String], in document: JSONValue) throws(Failure) -> JSONValue {
        var current = document
        for token in pointer {
            switch current {
            case .object(let o):
                guard let next = o[token] else { throw Failure(message: "path not found: /\(pointer.joined(separator: "/"))") }
                current = next
            case .array(let a):
                guard let i = Int(token), a.indices.contains(i) else { throw Failure(message: "index out of range: \(token)") }
                current = a[i]
            default:
                throw Failure(message: "path not found: /\(pointer.joined(separator: "/"))")
            }
        }
        return current
    }

    static func add(_ value: JSONValue, at pointer: [String], in document: JSONValue) throws(Failure) -> JSONValue {
        guard let token = pointer.first else { return value }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var o):
            if rest.isEmpty {
                o[token] = value
            } else {
                guard let child = o[token] else { throw Failure(message: "path not found: \(token)") }
                o[token] = try add(value, at: rest, in: child)
            }
            return .object(o)
        case .array(var a):
            if rest.isEmpty {
                if token == "-" {
                    a.append(value)
                } else {
                    guard let i = Int(token), i >= 0, i <= a.count else { throw Failure(message: "index out of range: \(token)") }
                    a.insert(value, at: i)
                }
            } else {
                guard let i = Int(token), a.indices.contains(i) else { throw Failure(message: "index out of range: \(token)") }
                a[i] = try add(value, at: rest, in: a[i])
            }
            return .array(a)
        default:
            throw Failure(message: "cannot add below a scalar at \(token)")
        }
    }

    static func remove(at pointer: [String], in document: JSONValue) throws(Failure) -> JSONValue {
        guard let token = pointer.first else { throw Failure(message: "cannot remove the whole document") }
        let rest = Array(pointer.dropFirst())
        switch document {
        case .object(var o):
            guard let child = o[token] else { throw Failure(message: "path not found: \(token)") }
            if rest.isEmpty { o.removeValue(forKey: token) } else { o[token] = try remove(at: rest, in: child) }
            return .object(o)
        case .array(var a):
            guard let i = Int(token), a.indices.contains(i) else { throw Failure(message: "index out of range: \(token)") }
            if rest.isEmpty { a.remove(at: i) } else { a[i] = try remove(at: rest, in: a[i]) }
            return .array(a)
        default:
            throw Failure(message: "path not found: \(token)")
        }
    }
}
