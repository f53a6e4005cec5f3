import NIOCore

/// One SMTP reply (RFC 5321 4.2): a three-digit code and its text lines, multi-line replies joined.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var isPositive: Bool { (200..<400).contains(code) }
    public var isTransient: Bool { (400..<500).contains(code) }
    public var description: String { "\(code) " + lines.joined(separator: " / ") }
}

/// Splits the byte stream into replies: lines `250-...` continue a reply, `250 ...` ends it.
/// A line that is not a reply (no code, over-long) closes the connection with a clear error.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var pending: [String] = []
    /// RFC 5321 4.5.3.1.5: reply lines are at most 512 octets; allow some slack for odd servers.
    static let maximumLine = 4096

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLine { throw SMTPError.protocolViolation("reply line longer than \(Self.maximumLine) bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        // Bytes, not Characters: "\r\n" is one Character in Swift, so hasSuffix("\n") would miss it.
        var bytes = buffer.readBytes(length: length) ?? []
        while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code) else {
            throw SMTPError.protocolViolation("not an SMTP reply: '\(line.prefix(80))'")
        }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        pending.append(text)
        if bytes.count > 3, bytes[3] == UInt8(ascii: "-") { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: pending)))
        pending = []
        return .continue
    }
}

/// Hands decoded replies to whoever awaits the next one, with a deadline on every wait.
final class SMTPReplyQueue: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = SMTPReply
    // Touched only on the channel's event loop.
    private var buffered: [Result<SMTPReply, any Error>] = []
    private var waiter: EventLoopPromise<SMTPReply>?
    private var timeoutTask: Scheduled<Void>?
    private var closedError: (any Error)?
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deliver(.success(unwrapInboundIn(data)))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closedError = closedError ?? error
        deliver(.failure(error))
        context.close(promise: nil)
    }

    /// Why the connection ended, for code already on the event loop.
    var closedErrorOnLoop: (any Error)? {
        eventLoop.preconditionInEventLoop()
        return closedError
    }

    /// Why the connection ended, when it did with an error.
    func terminalError() async -> (any Error)? {
        try? await eventLoop.submit { self.closedError }.get()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closedError = closedError ?? SMTPError.connectionClosed
        deliver(.failure(closedError!))
    }

    private func deliver(_ result: Result<SMTPReply, any Error>) {
        eventLoop.preconditionInEventLoop()
        if let waiter {
            self.waiter = nil
            timeoutTask?.cancel()
            waiter.completeWith(result)
        } else {
            buffered.append(result)
        }
    }

    func next(timeout: TimeAmount, stage: String) async throws -> SMTPReply {
        try await eventLoop.flatSubmit { self.nextOnLoop(timeout: timeout, stage: stage) }.get()
    }

    /// The next reply, for future chains already on the event loop (a pipelined exchange is one chain,
    /// so a message costs a few thread hops rather than one per reply).
    func nextOnLoop(timeout: TimeAmount, stage: String) -> EventLoopFuture<SMTPReply> {
        eventLoop.preconditionInEventLoop()
        if !buffered.isEmpty { return eventLoop.makeCompletedFuture(buffered.removeFirst()) }
        if let closed = closedError { return eventLoop.makeFailedFuture(closed) }
        precondition(waiter == nil, "one reply awaited at a time")
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        waiter = promise
        timeoutTask = eventLoop.scheduleTask(in: timeout) {
            guard let w = self.waiter else { return }
            self.waiter = nil
            w.fail(SMTPError.timeout(stage))
        }
        return promise.futureResult
    }
}

public enum SMTPError: Error, CustomStringConvertible, Equatable {
    /// The server answered with a code we did not expect at this stage.
    case rejected(stage: String, reply: SMTPReply)
    case timeout(String)
    case connectionClosed
    case protocolViolation(String)
    case tlsUnavailable
    case authenticationUnsupported
    /// The connection failed after the final dot was sent: the server may or may not have the message.
    case outcomeUnknown(String)
    /// The connection was gone before the final dot could be written: the server does not have the message.
    case finalDotNotSent(String)

    /// Worth trying again later: 4xx replies, timeouts and dropped connections.
    public var isTransient: Bool {
        switch self {
        case .rejected(_, let reply): return reply.isTransient
        case .timeout, .connectionClosed, .finalDotNotSent: return true
        case .protocolViolation, .tlsUnavailable, .authenticationUnsupported, .outcomeUnknown: return false
        }
    }

    public var description: String {
        switch self {
        case .rejected(let stage, let reply): return "the server answered \(reply) to \(stage)"
        case .timeout(let stage): return "no answer to \(stage) in time"
        case .connectionClosed: return "the server closed the connection"
        case .protocolViolation(let what): return "the server broke the protocol: \(what)"
        case .tlsUnavailable: return "the server does not offer STARTTLS, and TLS is required"
        case .authenticationUnsupported: return "the server offers neither AUTH PLAIN nor AUTH LOGIN"
        case .finalDotNotSent(let why): return "the connection closed before the end of the message (\(why))"
        case .outcomeUnknown(let why): return "the connection failed after the message was handed over (\(why)); it is not sent again"
        }
    }
}
