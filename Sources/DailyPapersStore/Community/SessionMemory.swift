import Foundation
import Synchronization

/// Sessions this process looked up in the last second. Every signed-in request needs its session, and a
/// member reading pages asks again and again: this spares the query. A change made through this process
/// (log-out, password change, ban, role) empties it at once; one made by another process is seen within
/// `lifetime`, the same bound as for other content across processes.
final class SessionMemory: Sendable {
    private struct Kept {
        var session: SessionStore.Session
        var at: Double
    }

    private let kept = Mutex<[String: Kept]>([:])
    let lifetime: Double
    /// A flood of distinct valid sessions cannot grow it past this; past it, it is emptied.
    let maximumEntries: Int

    init(lifetime: Double = 1, maximumEntries: Int = 20_000) {
        self.lifetime = lifetime
        self.maximumEntries = maximumEntries
    }

    func session(_ tokenHash: String, now: Double) -> SessionStore.Session? {
        kept.withLock { entries in
            guard let k = entries[tokenHash] else { return nil }
            guard now - k.at < lifetime, k.session.expiresAt.secondsSince1970 > now else {
                entries[tokenHash] = nil
                return nil
            }
            return k.session
        }
    }

    func keep(_ session: SessionStore.Session, now: Double) {
        kept.withLock { entries in
            if entries.count >= maximumEntries { entries.removeAll(keepingCapacity: true) }
            entries[session.tokenHash] = Kept(session: session, at: now)
        }
    }

    func forget(_ tokenHash: String) { kept.withLock { _ = $0.removeValue(forKey: tokenHash) } }

    /// Sessions or accounts changed: nothing kept may be served again.
    func forgetAll() { kept.withLock { $0.removeAll(keepingCapacity: true) } }
}
