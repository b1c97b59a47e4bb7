import XCTest
@testable import VernacularServe
final class PlaceholderTests: XCTestCase { func testNothing() {} }
