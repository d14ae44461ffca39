import Testing

@testable import KubeModel

@Suite struct LabelSelectorTests {
    @Test func parsesTheStringSyntax() throws {
        let requirements = try LabelRequirement.parse("a=b, c!=d,e in (x, y),!f,g,h==i,j notin (k),n>3")
        #expect(requirements == [
            LabelRequirement(key: "a", operator: .equals, values: ["b"]),
            LabelRequirement(key: "c", operator: .notEquals, values: ["d"]),
            LabelRequirement(key: "e", operator: .in, values: ["x", "y"]),
            LabelRequirement(key: "f", operator: .doesNotExist),
            LabelRequirement(key: "g", operator: .exists),
            LabelRequirement(key: "h", operator: .equals, values: ["i"]),
            LabelRequirement(key: "j", operator: .notIn, values: ["k"]),
            LabelRequirement(key: "n", operator: .greaterThan, values: ["3"]),
        ])
    }

    @Test func matchesLabels() throws {
        let requirements = try LabelRequirement.parse("a=b,c!=d,e in (x,y),!f")
        let matches = { (labels: [String: String]) in requirements.allSatisfy { $0.matches(labels) } }
        #expect(matches(["a": "b", "e": "x"]))
        #expect(matches(["a": "b", "e": "y", "c": "z"]))
        #expect(!matches(["a": "b", "e": "x", "c": "d"]))
        #expect(!matches(["a": "b", "e": "x", "f": ""]))
        #expect(!matches(["a": "b"]))
    }

    @Test func apiSelectorMatchesAndRendersItsString() throws {
        let selector = LabelSelector(
            matchLabels: ["env": "dev"],
            matchExpressions: [.init(key: "tier", operator: .in, values: ["b", "a"]), .init(key: "legacy", operator: .doesNotExist)])
        #expect(selector.matches(["env": "dev", "tier": "a"]))
        #expect(!selector.matches(["env": "dev", "tier": "c"]))
        #expect(!selector.matches(["env": "dev", "tier": "a", "legacy": "1"]))
        #expect(selector.selectorString == "env=dev,tier in (a,b),!legacy")
        let reparsed = try LabelSelector(parsing: selector.selectorString)
        #expect(reparsed.matches(["env": "dev", "tier": "b"]))
        #expect(LabelSelector().matches(["anything": "x"]))
    }

    @Test(arguments: ["a=", "a in (x,y", "=b", "a b", "-bad=x", "a=-bad", "a>x", "too/many/slashes=x", "a in x"])
    func rejectsInvalidSelectors(_ text: String) {
        if text == "a=" {
            // An empty value is legal: it selects objects whose label is present and empty.
            #expect((try? LabelRequirement.parse(text)) == [LabelRequirement(key: "a", operator: .equals, values: [""])])
            return
        }
        #expect(throws: ModelError.self) { try LabelRequirement.parse(text) }
    }

    @Test func validatesKeysAndValuesAsTheAPIServerDoes() {
        #expect(LabelValidation.keyProblem("kratix.io/promise-name") == nil)
        #expect(LabelValidation.keyProblem("Kratix.io/x") != nil)
        #expect(LabelValidation.keyProblem(String(repeating: "a", count: 64)) != nil)
        #expect(LabelValidation.valueProblem("") == nil)
        #expect(LabelValidation.valueProblem("a_b.c-d") == nil)
        #expect(LabelValidation.valueProblem("a b") != nil)
    }

    @Test func labelValuesAreCheckedByteByByte() {
        for valid in ["A", "Zz9", "a.b_c-D", "MyApp"] { #expect(LabelValidation.valueProblem(valid) == nil, "\(valid)") }
        for invalid in ["-a", "a.", "_a", "é", "a\u{301}", "aé", "a b", "a@b", "a[b", "a`b", "a{b"] {
            #expect(LabelValidation.valueProblem(invalid) != nil, "\(invalid)")
        }
        #expect(LabelValidation.keyProblem("app.kubernetes.io/Name_1") == nil)
        #expect(LabelValidation.keyProblem("app.kubernetes.io/-x") != nil)
    }

    @Test(arguments: ["a", "0", "kratix.io", "a-b.c--d.e1", "x.y.z", String(repeating: "a", count: 253)])
    func dnsSubdomainsPass(_ name: String) {
        #expect(LabelValidation.isDNSSubdomain(name))
    }

    @Test(arguments: ["", ".", "a.", ".a", "a..b", "-a", "a-", "a-.b", "a.-b", "A", "a_b", "a b", "é", "ａ",
                      String(repeating: "a", count: 254)])
    func nonDNSSubdomainsFail(_ name: String) {
        #expect(!LabelValidation.isDNSSubdomain(name))
    }

    @Test(arguments: ["a", "0", "a-b", "a--1", String(repeating: "a", count: 63)])
    func dnsLabelsPass(_ name: String) {
        #expect(LabelValidation.isDNSLabel(name))
    }

    @Test(arguments: ["", "a.b", "-a", "a-", "A", "a_b", "é", String(repeating: "a", count: 64), String(repeating: "é", count: 40)])
    func nonDNSLabelsFail(_ name: String) {
        #expect(!LabelValidation.isDNSLabel(name))
    }
}
