#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Layers

/// A PostgreSQL store's address: `postgresql://user:password@host:port/db?schema=NAME&sslmode=…`.
///
/// Every query parameter except `schema` is passed to libpq as a connection keyword
/// (`host=/run/sock` for a Unix socket folder, `sslmode`, `sslrootcert`, `connect_timeout`,
/// `application_name`, …), so libpq's own rules apply, including `PGPASSWORD`, `PGHOST`
/// and `~/.pgpass` for whatever the URL leaves out.
public struct PostgresLocation: Sendable, Hashable {
    /// libpq connection keywords and values, in URL order.
    public var parameters: [(key: String, value: String)]
    /// The schema holding the catalog and the layer tables (default `public`).
    public var schema: String
    /// The URL as given, with any password replaced by `***`: safe for output and logs.
    public let redacted: String

    public static func == (a: Self, b: Self) -> Bool {
        a.redacted == b.redacted && a.schema == b.schema && a.parameters.elementsEqual(b.parameters, by: { $0 == $1 })
    }

    public func hash(into h: inout Hasher) { h.combine(redacted); h.combine(schema) }

    /// True for `postgresql://…` and `postgres://…`.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses a `postgresql://` URL; throws with the redacted URL when it is malformed.
    public init(url: String) throws(StoreError) {
        let redacted = Self.redact(url)
        self.redacted = redacted
        guard Self.isPostgresURL(url) else { throw .cannotOpen(path: redacted, reason: "not a valid PostgreSQL URL: " + "it must start with postgresql:// or postgres://") }
        var rest = Substring(url.drop(while: { $0 != ":" }).dropFirst(3))
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var params: [(key: String, value: String)] = []
        func add(_ key: String, _ value: Substring) throws(StoreError) {
            guard let decoded = Self.percentDecoded(value) else {
                throw .cannotOpen(path: redacted, reason: "not a valid PostgreSQL URL: " + "the \(key) is not valid percent-encoding")
            }
            if !decoded.isEmpty { params.append((key, decoded)) }
        }
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                try add("user", userinfo[..<colon])
                try add("password", userinfo[userinfo.index(after: colon)...])
            } else {
                try add("user", userinfo)
            }
        }
        // host[:port]; an IPv6 host is in brackets.
        var host = rest
        var port = Substring("")
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") { port = after.dropFirst() }
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            port = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        try add("host", host)
        if !port.isEmpty {
            guard let p = Int(port), (1...65535).contains(p) else { throw .cannotOpen(path: redacted, reason: "not a valid PostgreSQL URL: " + "the port \"\(port)\" is not a number from 1 to 65535") }
            try add("port", port)
        }
        try add("dbname", path)
        var schema = "public"
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let key = Self.percentDecoded(parts[0]), !key.isEmpty else {
                throw .cannotOpen(path: redacted, reason: "not a valid PostgreSQL URL: " + "the query parameter \"\(Self.redactParameter(String(pair)))\" is not key=value")
            }
            if key == "schema" {
                guard let s = Self.percentDecoded(parts[1]), !s.isEmpty else { throw .cannotOpen(path: redacted, reason: "not a valid PostgreSQL URL: " + "schema is empty") }
                guard s.utf8.count <= 63 else { throw .cannotOpen(path: redacted, reason: "not a valid PostgreSQL URL: " + "the schema name is longer than PostgreSQL's 63 bytes") }
                schema = s
            } else {
                // A later value (host= in the query) overrides the one from the authority.
                params.removeAll { $0.key == key }
                try add(key, parts[1])
            }
        }
        if !params.contains(where: { $0.key == "application_name" }) { params.append(("application_name", "geoctl")) }
        self.parameters = params
        self.schema = schema
    }

    /// The password the URL carries, if any (to scrub it from messages).
    var password: String? { parameters.first { $0.key == "password" }?.value }

    /// Text with the password of the URL and of `PGPASSWORD` replaced by `***`.
    public func scrub(_ text: String) -> String {
        Redaction.scrub(text, secrets: [password, Redaction.environmentPassword].compactMap { $0 })
    }

    // MARK: Helpers

    static func percentDecoded(_ s: Substring) -> String? {
        guard s.contains("%") || s.contains("+") else { return String(s) }
        var bytes: [UInt8] = []
        var i = s.utf8.startIndex
        let u = s.utf8
        while i < u.endIndex {
            let c = u[i]
            if c == UInt8(ascii: "%") {
                let a = u.index(after: i)
                guard a < u.endIndex, u.index(after: a) < u.endIndex,
                      let hi = hex(u[a]), let lo = hex(u[u.index(after: a)]) else { return nil }
                bytes.append(hi << 4 | lo)
                i = u.index(a, offsetBy: 2)
            } else {
                bytes.append(c)
                i = u.index(after: i)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The URL with the password in the user part and any `password=` parameter as `***`.
    public static func redact(_ url: String) -> String {
        var out = url
        if let scheme = out.range(of: "://") {
            let authorityEnd = out[scheme.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" }) ?? out.endIndex
            let authority = out[scheme.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                out.replaceSubrange(out.index(after: colon)..<at, with: "***")
            }
        }
        if let q = out.firstIndex(of: "?") {
            let params = out[out.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false).map { redactParameter(String($0)) }
            out = String(out[...q]) + params.joined(separator: "&")
        }
        return out
    }

    static func redactParameter(_ pair: String) -> String {
        let lower = pair.lowercased()
        return lower.hasPrefix("password=") ? "password=***" : pair
    }
}

/// Keeps passwords out of every message geoctl prints.
public enum Redaction {
    /// `PGPASSWORD`, when set and not empty.
    public static var environmentPassword: String? {
        guard let p = getenv("PGPASSWORD") else { return nil }
        let s = String(cString: p)
        return s.isEmpty ? nil : s
    }

    /// `text` with every occurrence of each secret (and of its percent-encoded form) replaced by `***`.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        var out = text
        for secret in secrets where !secret.isEmpty {
            out = out.replacing(secret, with: "***")
            var encoded = ""
            for b in secret.utf8 {
                let c = Character(Unicode.Scalar(b))
                if b < 0x80 && (c.isLetter || c.isNumber || "-._~".contains(c)) { encoded.append(c) } else {
                    encoded += "%" + (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true)
                }
            }
            if encoded != secret {
                out = out.replacing(encoded, with: "***")
                out = out.replacing(encoded.lowercased(), with: "***")
            }
        }
        return out
    }
}
