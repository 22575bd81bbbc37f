import Testing
@testable import Pictures

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (0.8217, "0.822"), (-0.0233, "-0.0233"), (1.5039, "1.5"), (0, "0"), (1.23e-5, "1.23e-5"),
        (4.56e7, "4.56e7"), (0.99996, "1"), (999.6, "1000"), (123_456, "1.23e5"), (99_999.9, "1e5"),
        (0.001, "0.001"), (12_345, "12300"), (Double.leastNonzeroMagnitude, "4.94e-324"), (-1.7976931348623157e308, "-1.8e308"),
        (Double.nan, "NaN"), (-Double.infinity, "-∞"),
    ])
    func significantDigits(value: Double, expected: String) {
        #expect(NumberFormat.significant(value) == expected)
    }

    @Test func ticksUseTheDecimalsTheirStepNeeds() {
        #expect(NumberFormat.tick(0.30000000000000004, step: 0.1) == "0.3")
        #expect(NumberFormat.tick(-1.5, step: 0.5) == "-1.5")
        #expect(NumberFormat.tick(2000, step: 500) == "2000")
        #expect(NumberFormat.tick(1e-17, step: 0.2) == "0")
        #expect(Ticks.nice(lower: -0.44, upper: 0.33).map(\.label) == ["-0.4", "-0.2", "0", "0.2"])
        #expect(Ticks.nice(lower: 0, upper: 10).map(\.label) == ["0", "2", "4", "6", "8", "10"])
    }

    @Test func coordinatesAreShortAndAlwaysNumbers() {
        #expect(NumberFormat.coordinate(12.0) == "12")
        #expect(NumberFormat.coordinate(12.345) == "12.35")
        #expect(NumberFormat.coordinate(-0.004) == "0")
        #expect(NumberFormat.coordinate(.nan) == "0")
        #expect(NumberFormat.coordinate(.infinity) == "0")
    }

    @Test func exactValuesRoundTrip() {
        for value in [0.1, -1.0 / 3.0, 6.02214076e23, Double.leastNonzeroMagnitude] {
            #expect(Double(NumberFormat.exact(value)) == value)
        }
        #expect(NumberFormat.exact(.infinity) == "Infinity")
    }
}
