import XMLTestSupport
import Testing

@testable import Reports

@Suite("libxml2 use from concurrent tasks")
struct ConcurrencyTests {
    @Test func parallelRenderingAndExtraction() async throws {
        let results = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for index in 0..<32 {
                group.addTask {
                    let html = "<p>task \(index) &eacute;</p><script>x</script>"
                    let extracted = HTMLText.extractText(fromHTML: Array(html.utf8), charset: "utf-8")
                    let report = JUnitReport(suites: [.init(name: "s\(index)", file: "f", cases: [.init(name: "c", className: "k", outcome: .passed)])])
                    guard let xml = try? report.xmlBytes(), let root = parse(xml, as: .xml) else { return false }
                    let page = try? HTMLTraceReport.render(.init(scriptName: "s\(index)", scriptLines: ["keep;"], implicitKeep: true))
                    return extracted == "task \(index) é" && root.children(named: "testsuite").first?["name"] == "s\(index)" && page != nil
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 })
    }
}
