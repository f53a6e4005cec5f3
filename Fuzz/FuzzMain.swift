import Foundation

#if FUZZING
/// libFuzzer's entry for programs with their own main (linked in by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

nonisolated(unsafe) var selected = FuzzTarget.comment

/// libFuzzer's runtime refers to this entry by name (a debug link fails without it); the driver below calls it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    selected.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}
#endif

/// `DAILYPAPERS_FUZZ_TARGET=comment dailypapers-fuzz [libFuzzer flags] [corpus folders]` when built with
/// `scripts/fuzz` (libFuzzer); built plainly, it replays the files it is given through the target (the
/// regression run of found inputs, as in CI without the fuzzer).
@main
struct FuzzMain {
    static func main() {
        let name = ProcessInfo.processInfo.environment["DAILYPAPERS_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("DAILYPAPERS_FUZZ_TARGET must be one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        #if FUZZING
        selected = target
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in fuzzOneInput(bytes, count) })
        #else
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            let url = URL(fileURLWithPath: path)
            let files = (try? FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? [url]
            for file in files.sorted(by: { $0.path < $1.path }) {
                guard let data = try? Data(contentsOf: file) else { continue }
                target.run(data)
                count += 1
            }
        }
        print("\(target.rawValue): \(count) inputs replayed, no crash")
        #endif
    }
}
