import Foundation
import Testing
import Yams
@testable import VernacularCluster

@Suite struct ConfigValueTests {
    /// YAML 1.1 (libyaml, which Yams and PyYAML use) reads "1e-05" as a string: floats are written
    /// with a dot so both YAML and TOML read them back as the same number.
    @Test func floatsRoundTripThroughYAML() throws {
        let values = [1e-5, 1.5e-4, 0.02, 1.0, 100_000.0, 3e20, -0.5]
        let entries = values.enumerated().map { ConfigEntry("v\($0.offset)", .double($0.element)) }
        let parsed = try #require(try Yams.load(yaml: YAMLText.render(entries)) as? [String: Any])
        for (index, value) in values.enumerated() {
            #expect(parsed["v\(index)"] as? Double == value, "v\(index): \(String(describing: parsed["v\(index)"]))")
        }
    }

    @Test func nestedListsAndTablesInYAML() throws {
        let entries = [
            ConfigEntry("Resources", .table([
                ConfigEntry("A", .table([
                    ConfigEntry("Tags", .list([.table([ConfigEntry("Key", .string("Name")), ConfigEntry("Value", .string("x: \"y\""))])])),
                    ConfigEntry("Empty", .table([])),
                    ConfigEntry("Mixed", .list([.string("a"), .table([ConfigEntry("Ref", .string("B"))])])),
                ]), comment: "why A is here"),
            ])),
        ]
        let text = YAMLText.render(entries, header: "a header")
        #expect(text.hasPrefix("# a header\n"))
        let parsed = try #require(try Yams.load(yaml: text) as? [String: Any])
        let a = try #require((parsed["Resources"] as? [String: Any])?["A"] as? [String: Any])
        let tags = try #require(a["Tags"] as? [[String: Any]])
        #expect(tags.first?["Key"] as? String == "Name" && tags.first?["Value"] as? String == "x: \"y\"")
        #expect((a["Empty"] as? [String: Any])?.isEmpty == true)
        let mixed = try #require(a["Mixed"] as? [Any])
        #expect(mixed.first as? String == "a" && (mixed.last as? [String: Any])?["Ref"] as? String == "B")
    }

    @Test func tomlLeavesNullsOutAndQuotesStrings() throws {
        let text = TOMLText.render([
            ConfigEntry("top", .int(1)),
            ConfigEntry("section", .table([
                ConfigEntry("path", .string("a \"quoted\" \\ path")),
                ConfigEntry("unset", .null),
                ConfigEntry("eps", .double(1e-8)),
                ConfigEntry("list", .list([.int(1), .string("two")])),
            ]), comment: "a section"),
        ])
        #expect(!text.contains("unset"))
        #expect(text.contains("[section]") && text.contains("eps = 1.0e-08"))
        guard let python = which("python3") else { return }
        let script = "import json, sys, tomllib; print(json.dumps(tomllib.load(open(sys.argv[1], 'rb'))))"
        let path = try temporaryFolder("toml") + "/t.toml"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try runProcess(python, ["-c", script, path])
        guard result.status == 0 || !result.error.contains("tomllib") else { return }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let section = try #require(parsed["section"] as? [String: Any])
        #expect(section["path"] as? String == "a \"quoted\" \\ path")
        #expect(section["eps"] as? Double == 1e-8)
        #expect(parsed["top"] as? Int == 1)
    }
}
