import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells the kernel that a SQLite file's reader connections read it at random, so a page read from disk is that
/// page. Without it, the kernel's read-ahead takes a read next to cached pages for the start of a stream and reads
/// up to the device's read-ahead size around it (8 MiB on some virtual disks): a cold search at 2.5 M papers, which
/// reads some hundred scattered pages for its page of results, read 2 MB from disk for them (BENCHMARKS.md).
/// A serving process's reads are such lookups; imports and `reindex`, which read tables in order, keep read-ahead.
///
/// SQLite keeps its descriptors to itself, so they are found by path among the process's open files when the
/// connections are opened (`Database.open`: those its readers added).
enum RandomReads {
    /// The descriptors open on `path` now.
    static func descriptors(of path: String) -> Set<Int32> {
        #if os(Linux)
        guard let target = realpath(path, nil) else { return [] }
        defer { free(target) }
        let wanted = String(cString: target)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        var found: Set<Int32> = []
        for entry in entries {
            guard let fd = Int32(entry) else { continue }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink("/proc/self/fd/" + entry, &buffer, buffer.count - 1)
            guard n > 0 else { continue }
            buffer[n] = 0
            if String(cString: buffer) == wanted { found.insert(fd) }
        }
        return found
        #else
        return []
        #endif
    }

    /// Advises random reads on these descriptors.
    static func advise(_ descriptors: Set<Int32>) {
        #if os(Linux)
        for fd in descriptors { _ = posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM) }
        #endif
    }
}
