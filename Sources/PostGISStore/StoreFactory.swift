import Layers

/// Opens the store a location names: a `postgresql://` or `postgres://` URL is a
/// ``PostGISStore``; anything else is a SpatiaLite file's path. The CLI chooses through this
/// and never touches a C library itself.
public enum StoreFactory {
    public static func open(_ location: String, create: Bool) throws(StoreError) -> any LayerStore {
        if PostgresLocation.isPostgresURL(location) {
            return try PostGISStore(url: location, create: create)
        }
        return try SpatiaLiteStore(path: location, create: create)
    }

    /// True when `location` names a PostgreSQL store.
    public static func isPostgres(_ location: String) -> Bool { PostgresLocation.isPostgresURL(location) }

    /// The location as it may be printed: a URL's password replaced by `***`.
    public static func displayName(_ location: String) -> String {
        isPostgres(location) ? PostgresLocation.redact(location) : location
    }
}
