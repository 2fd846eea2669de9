import Foundation
import Testing

@testable import Imaging

/// repro's JPEG decoding and MLPerf preprocessing against OpenCV (PyPI opencv-python-headless) and MLPerf's
/// reference `pre_process_vgg` on generated JPEGs of several sizes and aspect ratios (shrinking by whole and
/// fractional factors, enlarging, greyscale). The largest difference is printed; the goal is none.
@Suite("ImageNet preprocessing against OpenCV")
struct PreprocessTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/make_jpegs.py"

    func run(_ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if p.terminationStatus != 0 { Issue.record("\(arguments): \(text)") }
        return text
    }

    @Test func decodingAndPreprocessingMatchOpenCV() throws {
        let dir = NSTemporaryDirectory() + "repro-jpegs-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let listing = try run(["python3", PreprocessTests.script, dir])
        let images = try JSONSerialization.jsonObject(with: Data(listing.utf8)) as! [[Any]]
        let decoder = try JPEGDecoder()
        var worstDecode = 0
        var worstInput: Float = 0
        for entry in images {
            let name = entry[0] as! String
            let jpeg = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).jpg")))
            let image = try decoder.decode(jpeg, path: name)
            let theirs = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).decoded.bin")))
            #expect(image.width == entry[1] as! Int && image.height == entry[2] as! Int)
            let decodeDifference = zip(image.pixels, theirs).map { abs(Int($0) - Int($1)) }.max() ?? 255
            let crop = MLPerfPreprocess.crop(image)
            var ours = [Float](repeating: 0, count: 224 * 224 * 3)
            crop.pixels.withUnsafeBufferPointer { MLPerfPreprocess.floats($0.baseAddress!, into: &ours) }
            let reference = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).ref.bin")).withUnsafeBytes {
                Array($0.bindMemory(to: Float.self))
            }
            let inputDifference = zip(ours, reference).map { abs($0 - $1) }.max()!
            let differing = zip(ours, reference).filter { $0 != $1 }.count
            print(
                "\(name): decoded max |difference| \(decodeDifference), preprocessed max |difference| "
                    + "\(inputDifference) (\(differing) of \(ours.count) values differ)")
            worstDecode = max(worstDecode, decodeDifference)
            worstInput = max(worstInput, inputDifference)
        }
        print("largest difference: decoding \(worstDecode), preprocessed input \(worstInput)")
        #expect(worstDecode == 0)
        #expect(worstInput == 0)
    }
}
