import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP session (RFC 5321) on SwiftNIO: greeting, EHLO (HELO when refused), STARTTLS or implicit TLS
/// with certificates verified, AUTH PLAIN or LOGIN, then any number of messages on the same connection,
/// pipelining MAIL/RCPT/DATA when the server offers PIPELINING. Every step has a deadline.
public final class SMTPConnection: @unchecked Sendable {
    let channel: any Channel
    let replies: SMTPReplyQueue
    let configuration: SMTPConfiguration
    private(set) var extensions: [String: String] = [:]
    private(set) var isTLS: Bool

    private init(channel: any Channel, replies: SMTPReplyQueue, configuration: SMTPConfiguration, isTLS: Bool) {
        self.channel = channel
        self.replies = replies
        self.configuration = configuration
        self.isTLS = isTLS
    }

    var timeout: TimeAmount { .milliseconds(Int64(configuration.stepTimeout * 1000)) }

    static func tlsHandler(_ configuration: SMTPConfiguration) throws -> NIOSSLClientHandler {
        var tls = TLSConfiguration.makeClientConfiguration()  // verifies the chain and the host name
        if let ca = configuration.trustedCertificatePath {
            tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(ca))]
        }
        // SNI takes names only; for an IP literal the chain is still verified (the name check needs a name).
        let isIP = configuration.host.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" }
        return try NIOSSLClientHandler(context: try NIOSSLContext(configuration: tls), serverHostname: isIP ? nil : configuration.host)
    }

    public static func connect(_ configuration: SMTPConfiguration,
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SMTPConnection {
        let implicitTLS = configuration.security == .implicitTLS
        let eventLoop = group.next()
        let replies = SMTPReplyQueue(eventLoop: eventLoop)
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(.milliseconds(Int64(configuration.stepTimeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS { try channel.pipeline.syncOperations.addHandler(try tlsHandler(configuration)) }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()), name: "decoder")
                    try channel.pipeline.syncOperations.addHandler(replies)
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        let connection = SMTPConnection(channel: channel, replies: replies, configuration: configuration, isTLS: implicitTLS)
        do {
            try await connection.expect(220, after: nil, stage: "greeting")
            try await connection.hello()
            if !connection.isTLS, configuration.security == .startTLSRequired || configuration.security == .startTLSIfOffered {
                if connection.extensions["STARTTLS"] != nil {
                    try await connection.expect(220, after: "STARTTLS", stage: "STARTTLS")
                    try await channel.pipeline.addHandler(try tlsHandler(configuration), position: .first).get()
                    connection.isTLS = true
                    try await connection.hello()  // RFC 3207: forget what was learnt before TLS
                } else if configuration.security == .startTLSRequired {
                    throw SMTPError.tlsUnavailable
                }
            }
            if let user = configuration.username, let password = configuration.password {
                try await connection.authenticate(user: user, password: password)
            }
            return connection
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private func hello() async throws {
        let reply = try await command("EHLO \(configuration.heloName)", stage: "EHLO")
        if reply.code == 250 {
            extensions = [:]
            for line in reply.lines.dropFirst() {
                let parts = line.split(separator: " ", maxSplits: 1)
                guard let keyword = parts.first else { continue }
                extensions[keyword.uppercased()] = parts.count > 1 ? String(parts[1]) : ""
            }
        } else if (500...504).contains(reply.code) || reply.code == 550 {
            extensions = [:]  // an old server: HELO, and no extensions
            try await expect(250, after: "HELO \(configuration.heloName)", stage: "HELO")
        } else {
            throw SMTPError.rejected(stage: "EHLO", reply: reply)
        }
    }

    private func authenticate(user: String, password: String) async throws {
        let mechanisms = Set((extensions["AUTH"] ?? "").uppercased().split(separator: " ").map(String.init))
        if mechanisms.contains("PLAIN") {
            let token = Data(("\0" + user + "\0" + password).utf8).base64EncodedString()
            try await expect(235, after: "AUTH PLAIN " + token, stage: "AUTH PLAIN", redacted: "AUTH PLAIN ***")
        } else if mechanisms.contains("LOGIN") {
            try await expect(334, after: "AUTH LOGIN", stage: "AUTH LOGIN")
            try await expect(334, after: Data(user.utf8).base64EncodedString(), stage: "AUTH LOGIN user")
            try await expect(235, after: Data(password.utf8).base64EncodedString(), stage: "AUTH LOGIN password")
        } else {
            throw SMTPError.authenticationUnsupported
        }
    }

    /// Sends one message to one recipient. `atCommit` is called after the whole content has been
    /// transmitted; it records "sending" and then writes the final dot that makes the server take the
    /// message, so a crash can never make the same message go out twice.
    public func send(from: String, to: String, message: String,
                     atCommit: @escaping CommitHook = { finalStep in try await finalStep().get() }) async throws {
        let body = Self.dotStuffed(message)
        let size = body.readableBytes
        var mail = "MAIL FROM:<\(from)>"
        if let limit = extensions["SIZE"].flatMap({ Int($0) }), limit > 0 {
            guard size <= limit else {
                throw SMTPError.rejected(stage: "SIZE", reply: SMTPReply(code: 552, lines: ["message of \(size) bytes exceeds the server's \(limit)"]))
            }
            mail += " SIZE=\(size)"
        }
        let rcpt = "RCPT TO:<\(to)>"
        if extensions["PIPELINING"] != nil {
            // Commands, their three replies and the content as one chain on the event loop.
            try await channel.eventLoop.flatSubmit { self.pipelinedStart(mail: mail, rcpt: rcpt, body: body) }.get()
        } else {
            try await expect(250, after: mail, stage: "MAIL FROM")
            let r = try await command(rcpt, stage: "RCPT TO")
            guard (250...251).contains(r.code) else { try await reset(); throw SMTPError.rejected(stage: "RCPT TO", reply: r) }
            try await expect(354, after: "DATA", stage: "DATA")
            do { try await channel.writeAndFlush(body).get() } catch { throw await replies.terminalError() ?? error }
        }
        // A connection the server already closed (mid-DATA) fails this write: then the server cannot
        // have the message, and sending it again is safe.
        let channel = self.channel, replies = self.replies
        try await atCommit {
            channel.eventLoop.flatSubmit {
                // A server that hung up meanwhile (mid-DATA) never gets the dot: the message is known not sent.
                if let closed = replies.closedErrorOnLoop { return channel.eventLoop.makeFailedFuture(SMTPError.finalDotNotSent("\(closed)")) }
                return channel.writeAndFlush(ByteBuffer(string: ".\r\n")).flatMapErrorThrowing { error in
                    throw SMTPError.finalDotNotSent("\(error)")
                }
            }
        }
        let done = try await replies.next(timeout: timeout * 10, stage: "end of DATA")
        guard done.code == 250 else { throw SMTPError.rejected(stage: "end of DATA", reply: done) }
    }

    /// MAIL, RCPT and DATA in one write (RFC 2920), then their replies; on 354 the content follows at
    /// once, in the same chain on the event loop.
    private func pipelinedStart(mail: String, rcpt: String, body: ByteBuffer) -> EventLoopFuture<Void> {
        let loop = channel.eventLoop
        let replies = self.replies, timeout = self.timeout, channel = self.channel
        let written = channel.writeAndFlush(ByteBuffer(string: mail + "\r\n" + rcpt + "\r\nDATA\r\n"))
        return written.flatMap { replies.nextOnLoop(timeout: timeout, stage: "MAIL FROM") }.flatMap { m in
            replies.nextOnLoop(timeout: timeout, stage: "RCPT TO").flatMap { r in
                replies.nextOnLoop(timeout: timeout, stage: "DATA").map { d in (m, r, d) }
            }
        }.flatMapError { error in
            // A failed write says "closed"; the reason the connection ended says more (a TLS error, say).
            loop.makeFailedFuture(replies.closedErrorOnLoop ?? error)
        }.flatMap { (m, r, d) -> EventLoopFuture<Void> in
            guard m.code == 250 else { return self.abandonOnLoop(d).flatMapThrowing { throw SMTPError.rejected(stage: "MAIL FROM", reply: m) } }
            guard (250...251).contains(r.code) else { return self.abandonOnLoop(d).flatMapThrowing { throw SMTPError.rejected(stage: "RCPT TO", reply: r) } }
            guard d.code == 354 else { return loop.makeFailedFuture(SMTPError.rejected(stage: "DATA", reply: d)) }
            return channel.writeAndFlush(body).flatMapError { error in loop.makeFailedFuture(replies.closedErrorOnLoop ?? error) }
        }
    }

    /// `abandon`, as part of a chain on the event loop; its own failures do not hide the refusal.
    private func abandonOnLoop(_ dataReply: SMTPReply) -> EventLoopFuture<Void> {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        promise.completeWithTask { try? await self.abandon(dataReply) }
        return promise.futureResult
    }

    /// After a refused MAIL or RCPT under pipelining the server may still have said 354 to DATA: end
    /// that empty message with a lone dot (it is refused for lack of recipients), then RSET.
    private func abandon(_ dataReply: SMTPReply) async throws {
        if dataReply.code == 354 { _ = try? await command(".", stage: "empty DATA") }
        try await reset()
    }

    public func reset() async throws { try await expect(250, after: "RSET", stage: "RSET") }

    public func quit() async {
        _ = try? await command("QUIT", stage: "QUIT")
        try? await channel.close()
    }

    public var isActive: Bool { channel.isActive }

    /// RFC 5321 4.5.2: a line starting with "." gets another "."; line ends become CRLF; the result ends
    /// with CRLF. Byte by byte, since every message passes through here.
    static func dotStuffed(_ message: String) -> ByteBuffer {
        var message = message
        return message.withUTF8 { input in
            // What MIMEWriter writes is already in wire form (CRLF only, no line starting with a dot):
            // checked with memchr and then copied in one go.
            if isWireForm(input) { return ByteBuffer(bytes: input) }
            var out = ByteBuffer()
            out.reserveCapacity(input.count + 64)
            var atLineStart = true
            var previousCR = false
            var runStart = 0  // bytes since here are copied as they are, in one go
            for (i, b) in input.enumerated() {
                if b == 10 {
                    if !previousCR {
                        out.writeBytes(input[runStart..<i])
                        out.writeBytes([13, 10])
                        runStart = i + 1
                    }
                    previousCR = false
                    atLineStart = true
                    continue
                }
                if previousCR {  // a lone CR: it becomes CRLF
                    out.writeBytes(input[runStart..<i])
                    out.writeInteger(UInt8(10))
                    runStart = i
                }
                previousCR = b == 13
                if b == 13 { atLineStart = true; continue }
                if atLineStart && b == 46 {
                    out.writeBytes(input[runStart..<i])
                    out.writeInteger(UInt8(46))
                    runStart = i
                }
                atLineStart = false
            }
            out.writeBytes(input[runStart...])
            if previousCR { out.writeInteger(UInt8(10)) } else if !atLineStart { out.writeBytes([13, 10]) }
            return out
        }
    }

    /// CRLF line ends only, no line starting with ".", and a final CRLF.
    static func isWireForm(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = input.baseAddress, input.count >= 2, input[input.count - 2] == 13, input[input.count - 1] == 10 else { return false }
        if input[0] == 46 { return false }
        var position = 0
        while position < input.count {
            func find(_ byte: Int32) -> Int {
                guard let hit = memchr(base + position, byte, input.count - position) else { return input.count }
                return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
            }
            let cr = find(13), lf = find(10)
            // The next line end must be a CR directly followed by its LF.
            guard lf == cr + 1 || (cr == input.count && lf == input.count) else { return false }
            if lf == input.count { return true }
            if lf + 1 < input.count, input[lf + 1] == 46 { return false }
            position = lf + 1
        }
        return true
    }

    /// A failed write reports why the connection ended (a TLS error, say) rather than "closed channel".
    private func write(_ text: String) async throws {
        do { try await channel.writeAndFlush(ByteBuffer(string: text)).get() } catch {
            throw await replies.terminalError() ?? error
        }
    }

    private func command(_ line: String, stage: String) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try await replies.next(timeout: timeout, stage: stage)
    }

    private func expect(_ code: Int, after line: String?, stage: String, redacted: String? = nil) async throws {
        let reply: SMTPReply
        if let line { reply = try await command(line, stage: stage) } else { reply = try await replies.next(timeout: timeout, stage: stage) }
        guard reply.code == code else { throw SMTPError.rejected(stage: redacted ?? stage, reply: reply) }
    }
}
