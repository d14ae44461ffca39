/// The attributes and blocks of an HCL file or block body, in source order.
public struct HCLBody: Sendable, Equatable {
    public var attributes: [HCLAttribute] = []
    public var blocks: [HCLBlock] = []

    public init(attributes: [HCLAttribute] = [], blocks: [HCLBlock] = []) {
        self.attributes = attributes
        self.blocks = blocks
    }

    public func attribute(_ name: String) -> HCLAttribute? {
        attributes.first { $0.name == name }
    }

    public func blocks(ofType type: String) -> [HCLBlock] {
        blocks.filter { $0.type == type }
    }
}

/// `name = expression`.
public struct HCLAttribute: Sendable, Equatable {
    public var name: String
    public var expression: HCLExpression
    /// Where the name starts.
    public var position: HCLPosition

    public init(name: String, expression: HCLExpression, position: HCLPosition) {
        self.name = name
        self.expression = expression
        self.position = position
    }
}

/// `type "label" ... { body }`.
public struct HCLBlock: Sendable, Equatable {
    public var type: String
    public var labels: [String]
    public var body: HCLBody
    /// Where the block type starts.
    public var position: HCLPosition

    public init(type: String, labels: [String], body: HCLBody, position: HCLPosition) {
        self.type = type
        self.labels = labels
        self.body = body
        self.position = position
    }
}
