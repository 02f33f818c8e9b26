import Layers

extension VisibilityOptions {
    /// A visible layer, checked for the part it plays in a command: a geometry type the part
    /// does not accept is an error (exit 1); an unexpected kind is a warning on stderr.
    @discardableResult
    func layer(_ name: String, as role: LayerRole, in store: any LayerStore) throws -> LayerInfo {
        let info = try visibleLayer(name, in: store)
        do {
            if let warning = try role.check(info) { Terminal.note("geoctl: warning: \(warning)") }
        } catch {
            throw fail(error)
        }
        return info
    }
}
