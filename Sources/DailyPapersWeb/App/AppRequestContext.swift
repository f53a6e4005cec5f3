import Hummingbird

/// The per-request context. Sessions and the signed-in user will live here.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public init(source: Source) { coreContext = .init(source: source) }
}
