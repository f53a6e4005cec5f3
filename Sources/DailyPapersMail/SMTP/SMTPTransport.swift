import Foundation
import Logging
import NIOSSL
import Synchronization

/// Delivery over SMTP through a small pool of connections, each carrying one message at a time (an SMTP
/// session is a strict dialogue: two messages interleaved on one connection corrupt both, and NIO's
/// pipeline asserts). A delivery takes a permit, reuses an idle connection or opens one, and hands it
/// back when done; at most `maxConnections` are open, and further deliveries wait their turn in order.
/// 4xx replies, timeouts and dropped connections are retried with backoff; 5xx refused at once.
public actor SMTPTransport: MailTransport {
    let configuration: SMTPConfiguration
    let logger: Logger
    let attempts: Int
    let initialBackoff: Duration
    public let maxConnections: Int
    private var idle: [SMTPConnection] = []
    private var inUse = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var closed = false

    public init(_ configuration: SMTPConfiguration, attempts: Int = 4, initialBackoff: Duration = .seconds(2),
                maxConnections: Int = 2, logger: Logger) {
        self.configuration = configuration
        self.attempts = max(1, attempts)
        self.initialBackoff = initialBackoff
        self.maxConnections = max(1, maxConnections)
        self.logger = logger
    }

    public func deliver(_ mail: PreparedMail, atCommit: @escaping CommitHook) async throws {
        await acquirePermit()
        var connection = takeIdle()
        do {
            try await deliver(mail, atCommit: atCommit, on: &connection)
            await release(connection)
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Waits until fewer than `maxConnections` deliveries are under way (first come, first served).
    private func acquirePermit() async {
        if inUse < maxConnections, waiters.isEmpty { inUse += 1; return }
        // The permit is handed over by `release`, which counts it for the waiter.
        await withCheckedContinuation { waiters.append($0) }
    }

    private func takeIdle() -> SMTPConnection? {
        while let c = idle.popLast() {
            if c.isActive { return c }
            Task { try? await c.channel.close() }
        }
        return nil
    }

    /// A healthy connection goes back to the pool; the permit goes to the next waiter.
    private func release(_ connection: SMTPConnection?) async {
        if let c = connection {
            if c.isActive, !closed { idle.append(c) } else { await c.quit() }
        }
        if waiters.isEmpty { inUse -= 1 } else { waiters.removeFirst().resume() }
    }

    private func deliver(_ mail: PreparedMail, atCommit: @escaping CommitHook, on connection: inout SMTPConnection?) async throws {
        var backoff = initialBackoff
        let committed = CommitFlag()
        func drop() async {
            if let c = connection { try? await c.channel.close() }
            connection = nil
        }
        for attempt in 1...attempts {
            do {
                let c: SMTPConnection
                if let open = connection, open.isActive { c = open } else {
                    await drop()
                    c = try await SMTPConnection.connect(configuration)
                    connection = c
                }
                try await c.send(from: mail.envelopeFrom, to: mail.recipient, message: mail.data) { finalStep in
                    // Once only: after a final dot that provably never left, the retry is the same commit.
                    if committed.isSet { return try await finalStep().get() }
                    do {
                        try await atCommit { committed.set(); return finalStep() }
                    } catch let error as SMTPError {
                        throw error
                    } catch where !committed.isSet {
                        throw CallerRefused(underlying: error)
                    }
                }
                return
            } catch let refused as CallerRefused {
                // The caller called it off before the final dot: the only way out of DATA is to hang up.
                await drop()
                throw refused.underlying
            } catch SMTPError.finalDotNotSent(let why) {
                await drop()
                // Known not delivered: the caller may undo its commit; or, with attempts left, send again now.
                guard attempt < attempts else { throw SMTPError.finalDotNotSent(why) }
                logger.warning("SMTP: the connection closed before the end of the message (\(why)); sending it again in \(backoff)")
                try await Task.sleep(for: backoff)
                backoff *= 2
            } catch where committed.isSet {
                // The final dot may have reached the server: sending again could deliver a second copy.
                await drop()
                throw SMTPError.outcomeUnknown("\(error)")
            } catch let error as SMTPError where error.isTransient && attempt < attempts {
                logger.warning("SMTP: \(error); retrying \(mail.recipient) in \(backoff)")
                await drop()
                try await Task.sleep(for: backoff)
                backoff *= 2
            } catch let error as SMTPError {
                // A refused message leaves the session usable after RSET; a connection whose RSET fails goes, so
                // that no late reply can be read as the next message's.
                if case .rejected = error, let c = connection, c.isActive {
                    do { try await c.reset() } catch { await drop() }
                } else {
                    await drop()
                }
                throw error
            } catch let error where error is NIOSSLError || error is NIOSSLExtraError {
                // A certificate that does not verify, or no common protocol: waiting will not fix it.
                await drop()
                throw SMTPTLSFailure(underlying: "\(error)")
            } catch {
                // Connection refused, resets and the like: a new connection next time.
                await drop()
                if attempt < attempts, !(error is CancellationError) {
                    logger.warning("SMTP: \(error); retrying \(mail.recipient) in \(backoff)")
                    try await Task.sleep(for: backoff)
                    backoff *= 2
                    continue
                }
                throw error
            }
        }
    }

    public func close() async {
        closed = true
        for c in idle { await c.quit() }
        idle = []
    }
}

final class CommitFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// An error thrown by the caller's commit hook before it committed, carried through untouched.
struct CallerRefused: Error { let underlying: any Error }

/// TLS could not be set up with the server (its certificate did not verify, say).
public struct SMTPTLSFailure: Error, CustomStringConvertible {
    public let underlying: String
    public var description: String { "TLS with the SMTP server failed: \(underlying)" }
}
