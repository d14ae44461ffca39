import Testing

@Test func KratixJobRunnerPlaceholder() { #expect(Bool(true)) }
