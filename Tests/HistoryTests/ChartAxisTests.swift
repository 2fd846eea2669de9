import Testing

@testable import History

/// The report's value axes: round ticks, and a log axis when values span decades.
struct ChartAxisTests {
    @Test func linearTicksAreRoundAndCoverTheValues() {
        let a = ChartAxis(values: [0.9665, 0.9712, 0.95])
        #expect(!a.isLog)
        #expect(a.ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
        let b = ChartAxis(values: [1234, 5678])
        #expect(b.ticks == [0, 2000, 4000, 6000])
        #expect(b.ticks.map(ChartAxis.label) == ["0", "2000", "4000", "6000"])
        let flat = ChartAxis(values: [5, 5])
        #expect(flat.lo <= 5 && flat.hi >= 5)
    }

    @Test func valuesThatSpanDecadesGetALogAxisWithATickPerDecade() {
        let a = ChartAxis(values: [0.006, 0.02, 45, 1200])
        #expect(a.isLog)
        #expect(a.ticks.map(ChartAxis.label) == ["0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000"])
        #expect(a.fraction(0.001) == 0 && a.fraction(10000) == 1)
        #expect(abs(a.fraction(1) - 3.0 / 7.0) < 1e-12)
        // Not when something is zero or negative, or the span is small.
        #expect(!ChartAxis(values: [0, 1000]).isLog)
        #expect(!ChartAxis(values: [10, 900]).isLog)
        #expect(ChartAxis.label(0.00001) == "1e-5" && ChartAxis.label(2_500_000) == "2.5e6")
    }
}
