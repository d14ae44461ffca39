import KratixAuthoring
import Testing

@Suite struct AuthoringErrorTests {
    @Test func describesItselfAsGiven() {
        #expect(AuthoringError("no file api.yaml in ./promise").description == "no file api.yaml in ./promise")
    }
}
