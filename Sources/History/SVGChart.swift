import Foundation

/// Small SVG charts written as text, so a report needs no script and no network to show them.
enum SVGChart {
    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func label(_ v: Double) -> String {
        abs(v) >= 1000
            ? String(format: "%.0f", v) : abs(v) >= 10 ? String(format: "%.1f", v) : String(format: "%.3g", v)
    }

    /// The horizontal grid lines and labels of a value axis.
    static func grid(_ axis: ChartAxis, left: Double, width: Double, y: (Double) -> Double) -> String {
        axis.ticks.map { v in
            "<line x1=\"\(left)\" x2=\"\(left + width)\" y1=\"\(y(v))\" y2=\"\(y(v))\" class=\"grid\"/>"
                + "<text x=\"\(left - 6)\" y=\"\(y(v) + 4)\" text-anchor=\"end\" class=\"axis\">"
                + "\(ChartAxis.label(v))</text>"
        }.joined()
    }

    /// Lines over time: each series is (name, [(x label, value, highlighted)]).
    static func lines(
        title: String, unit: String, series: [(String, [(String, Double, Bool)])], width: Int = 640, height: Int = 260
    ) -> String {
        let left = 70.0
        let right = 20.0
        let top = 30.0
        let bottom = 40.0
        let w = Double(width) - left - right
        let h = Double(height) - top - bottom
        let values = series.flatMap { $0.1.map(\.1) }
        guard !values.isEmpty else { return "" }
        let axis = ChartAxis(values: values)
        let n = max(series.map(\.1.count).max() ?? 1, 2)
        func x(_ i: Int) -> Double { left + w * Double(i) / Double(n - 1) }
        func y(_ v: Double) -> Double { top + h - h * axis.fraction(v) }
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        out += "<text x=\"\(left)\" y=\"18\" class=\"title\">\(escape(title))</text>"
        out += grid(axis, left: left, width: w, y: y)
        out +=
            "<text x=\"12\" y=\"\(top + h / 2)\" class=\"axis\" transform=\"rotate(-90 12 \(top + h / 2))\" text-anchor=\"middle\">\(escape(unit + (axis.isLog ? ", log scale" : "")))</text>"
        for (s, (name, points)) in series.enumerated() {
            let color = palette[s % palette.count]
            let coords = points.enumerated().map { "\(x($0.offset)),\(y($0.element.1))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(coords)\"/>"
            for (i, p) in points.enumerated() {
                out +=
                    "<circle cx=\"\(x(i))\" cy=\"\(y(p.1))\" r=\"\(p.2 ? 6 : 3)\" fill=\"\(p.2 ? "#d62728" : color)\">"
                out +=
                    "<title>\(escape(name)) \(escape(p.0)): \(label(p.1)) \(escape(unit))\(p.2 ? " (regression)" : "")</title></circle>"
            }
            out +=
                "<text x=\"\(left + 8)\" y=\"\(top + 14 + Double(s) * 14)\" fill=\"\(color)\" class=\"legend\">\(escape(name))</text>"
        }
        if let first = series.first?.1 {
            for (i, p) in first.enumerated() where first.count <= 8 || i == 0 || i == first.count - 1 {
                out +=
                    "<text x=\"\(x(i))\" y=\"\(top + h + 16)\" text-anchor=\"middle\" class=\"axis\">\(escape(p.0))</text>"
            }
        }
        return out + "</svg>"
    }

    /// Grouped bars: groups (e.g. scenarios) of (label, value) bars.
    static func bars(
        title: String, unit: String, groups: [(String, [(String, Double)])], width: Int = 640, height: Int = 280
    ) -> String {
        let left = 70.0
        let right = 20.0
        let top = 30.0
        let bottom = 50.0
        let w = Double(width) - left - right
        let h = Double(height) - top - bottom
        let values = groups.flatMap { $0.1.map(\.1) }
        guard let most = values.max(), most > 0 else { return "" }
        let axis = ChartAxis(values: values)
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        out += "<text x=\"\(left)\" y=\"18\" class=\"title\">\(escape(title))</text>"
        out += grid(axis, left: left, width: w) { top + h - h * axis.fraction($0) }
        out +=
            "<text x=\"12\" y=\"\(top + h / 2)\" class=\"axis\" transform=\"rotate(-90 12 \(top + h / 2))\" text-anchor=\"middle\">\(escape(unit + (axis.isLog ? ", log scale" : "")))</text>"
        let groupWidth = w / Double(max(groups.count, 1))
        for (g, (name, bars)) in groups.enumerated() {
            let barWidth = groupWidth * 0.8 / Double(max(bars.count, 1))
            for (b, bar) in bars.enumerated() {
                let bx = left + groupWidth * Double(g) + groupWidth * 0.1 + barWidth * Double(b)
                let bh = h * axis.fraction(bar.1)
                out +=
                    "<rect x=\"\(bx)\" y=\"\(top + h - bh)\" width=\"\(barWidth * 0.9)\" height=\"\(bh)\" fill=\"\(palette[b % palette.count])\">"
                out += "<title>\(escape(name)) \(escape(bar.0)): \(label(bar.1)) \(escape(unit))</title></rect>"
            }
            out +=
                "<text x=\"\(left + groupWidth * (Double(g) + 0.5))\" y=\"\(top + h + 16)\" text-anchor=\"middle\" class=\"axis\">\(escape(name))</text>"
        }
        let labels = (groups.first?.1.count ?? 0) > 1 ? groups.first!.1.map(\.0) : []
        for (b, l) in labels.enumerated() {
            out +=
                "<text x=\"\(left + Double(b) * 70)\" y=\"\(top + h + 36)\" fill=\"\(palette[b % palette.count])\" class=\"legend\">\(escape(l))</text>"
        }
        return out + "</svg>"
    }
}
