#if os(Linux)
import CMalloc
#endif
import Foundation

/// How every command asks glibc to hand memory back (set at start-up). Pages of 50-100 KB are rendered, compressed and dropped
/// again at every change they show; glibc raises its mmap threshold past each such block freed, after which
/// they come from the heap, and the heap fragments: a 10-minute soak grew 12% over five minutes before it
/// levelled off (BENCHMARKS.md, third session of 2026-12-06). With a fixed threshold of 64 KiB each large
/// buffer has a mapping of its own, returned when freed. A bulk import's batches are such blocks too (its peak:
/// 305 -> 283 MB over the 74,728-paper corpus). An operator's own MALLOC_* variables win.
enum MemoryTuning {
    static let mmapThreshold: Int32 = 64 << 10

    static func apply(environment: [String: String] = ProcessInfo.processInfo.environment) {
        #if os(Linux)
        if environment["MALLOC_MMAP_THRESHOLD_"] == nil { _ = mallopt(M_MMAP_THRESHOLD, mmapThreshold) }
        #endif
    }
}
