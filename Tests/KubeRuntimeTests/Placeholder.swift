import Testing

@Test func KubeRuntimePlaceholder() { #expect(Bool(true)) }
