import Testing

@Test func KubeClientPlaceholder() { #expect(Bool(true)) }
