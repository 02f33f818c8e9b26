import Hummingbird

/// Refuses a request that carries an API key the service does not know (401), on every
/// endpoint, so a mistyped key is noticed at once and not only where it would grant a
/// restricted layer. A request without a key goes on as anonymous.
struct KeyCheckMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: APIKeys

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        _ = try keys.access(for: request)
        return try await next(request, context)
    }
}
