import GeoCore
import Hummingbird
import HummingbirdCore

/// Responses with JSON bodies written by GeoCore's byte writer (no JSONEncoder on the hot path).
enum JSONResponse {
    static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func value(_ value: JSONValue, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        var out: [UInt8] = []
        JSONText.append(value, to: &out)
        return bytes(out, status: status, contentType: contentType)
    }
}

/// Reading query parameters into checked values, with problems that name the parameter.
struct Query {
    let parameters: FlatDictionary<Substring, Substring>

    init(_ request: Request) { parameters = request.uri.queryParameters }

    init(_ uri: URI) { parameters = uri.queryParameters }

    func string(_ name: String) -> String? { parameters[Substring(name)].map(String.init) }

    /// A required number within `range`.
    func coordinate(_ name: String, in range: ClosedRange<Double>) throws(Problem) -> Double {
        guard let text = parameters[Substring(name)], !text.isEmpty else { throw .missing(name) }
        guard let value = Double(text), value.isFinite, range.contains(value) else {
            throw .outOfRange(name, value: String(text.prefix(64)), range: "\(Int(range.lowerBound))…\(Int(range.upperBound))")
        }
        return value
    }

    /// An optional integer within `range`.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(Problem) -> Int? {
        guard let text = parameters[Substring(name)] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw .invalid(name, "\(name) must be an integer in \(range.lowerBound)…\(range.upperBound), got \"\(text.prefix(64))\"")
        }
        return value
    }
}
