import GeoCore
import Hummingbird

/// An RFC 9457 problem: what went wrong with a request, as `application/problem+json`.
///
/// `type` is a stable URI per kind of problem, `title` its short name, `detail` this
/// occurrence; `parameter` names the query parameter or field at fault, and
/// `known_categories` lists the valid categories for an unknown one.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var type: String
    public var title: String
    public var detail: String
    public var parameter: String?
    public var extra: JSONObject = [:]

    public init(_ status: HTTPResponse.Status, type: String, title: String, detail: String, parameter: String? = nil) {
        self.status = status
        self.type = "https://geoctl.example/problems/" + type
        self.title = title
        self.detail = detail
        self.parameter = parameter
    }

    public var json: JSONValue {
        var o: JSONObject = ["type": .string(type), "title": .string(title), "status": .integer(Int64(status.code)),
                             "detail": .string(detail)]
        if let parameter { o["parameter"] = .string(parameter) }
        for m in extra.members { o[m.key] = m.value }
        return .object(o)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    /// The problem document as UTF-8 JSON.
    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        JSONText.append(json, to: &bytes)
        return bytes
    }

    func response() -> Response {
        let headers: HTTPFields = [.contentType: "application/problem+json"]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: The problems the service answers with

    static func missing(_ parameter: String) -> Problem {
        Problem(.badRequest, type: "missing-parameter", title: "Missing parameter",
                detail: "the query parameter \"\(parameter)\" is required", parameter: parameter)
    }

    static func outOfRange(_ parameter: String, value: String, range: String) -> Problem {
        Problem(.badRequest, type: "invalid-parameter", title: "Invalid parameter",
                detail: "\(parameter) must be a number in \(range), got \"\(value)\"", parameter: parameter)
    }

    static func invalid(_ parameter: String, _ detail: String) -> Problem {
        Problem(.badRequest, type: "invalid-parameter", title: "Invalid parameter", detail: detail, parameter: parameter)
    }

    static func unknownCategory(_ id: String, known: [String]) -> Problem {
        var p = Problem(.unprocessableContent, type: "unknown-category", title: "Unknown category",
                        detail: "unknown category \"\(id)\"; known: \(known.joined(separator: ", "))", parameter: "category")
        p.extra["known_categories"] = .array(known.map(JSONValue.string))
        return p
    }

    static func notFound(_ what: String) -> Problem {
        Problem(.notFound, type: "not-found", title: "Not found", detail: what)
    }

    static func notReady(_ reason: String) -> Problem {
        Problem(.serviceUnavailable, type: "not-ready", title: "Not ready", detail: reason)
    }
}

/// Turns every error a route or Hummingbird throws (404 for an unknown path, 413 for a body
/// over the limit, 405) into problem+json; an unexpected error is a 500 whose detail says
/// nothing of the internals.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response()
        } catch let error as any HTTPResponseError where error.status == .notFound {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty else {
                return Problem(.notFound, type: "not-found", title: "Not Found",
                               detail: "no such resource: \(request.uri.path.prefix(200))").response()
            }
            var response = Problem(.methodNotAllowed, type: "method-not-allowed", title: "Method Not Allowed",
                                   detail: "\(request.method) is not allowed on \(request.uri.path.prefix(200))").response()
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch let error as any HTTPResponseError {
            // Hummingbird's own: 404 for an unknown path, 413 from a body over the limit, 405.
            let detail: String = switch error.status {
            case .notFound: "no such resource: \(request.uri.path.prefix(200))"
            case .contentTooLarge: "the request body is over the limit of \(maxBodyBytes) bytes (--max-body-mb)"
            case .methodNotAllowed: "\(request.method) is not allowed on \(request.uri.path.prefix(200))"
            default: (error as? HTTPError)?.body ?? error.status.reasonPhrase
            }
            let type = error.status == .notFound ? "not-found" : "http-\(error.status.code)"
            return Problem(error.status, type: type, title: error.status.reasonPhrase, detail: detail).response()
        } catch {
            context.logger.error("request failed: \(error)")
            return Problem(.internalServerError, type: "internal", title: "Internal error",
                           detail: "the service could not answer; see its log").response()
        }
    }
}
