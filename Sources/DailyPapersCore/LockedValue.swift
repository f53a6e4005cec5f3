import Foundation

/// A value behind a lock, for the little shared state clients keep (the last request's end, a parsed key).
public final class LockedValue<T: Sendable>: @unchecked Sendable {
    private var stored: T
    private let lock = NSLock()
    public init(_ value: T) { stored = value }
    public var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
