import Foundation

/// `mlperf_log_accuracy.json` in LoadGen's exact layout: `[`, one `{ "seq_id" : N, "qsl_idx" : I, "data" : "HEX" }`
/// line per logged sample (upper-case hex, lines joined by ",\n"), `]`. A performance run logs nothing: `[` and `]`.
final class AccuracyLog {
    private var lines: [String] = []
    var count: Int { lines.count }

    func append(seq: UInt64, index: Int, data: [UInt8]) {
        lines.append("{ \"seq_id\" : \(seq), \"qsl_idx\" : \(index), \"data\" : \"\(AccuracyLog.hex(data))\" }")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    func write(to path: String) throws(LoadGenError) {
        let body = lines.isEmpty ? "[\n]\n" : "[\n" + lines.joined(separator: ",\n") + "\n]\n"
        try LoadGen.write(body, to: path)
    }
}
