import Testing

@Test func KratixControllersPlaceholder() { #expect(Bool(true)) }
