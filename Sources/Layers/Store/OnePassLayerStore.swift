/// A store that can start writing a layer before its catalog entry is complete, so that an
/// import reads its file once instead of twice (``LayerImporter``'s one-pass import).
///
/// The table is laid out from `provisional` (its columns and geometry column type), which
/// the importer learns from the first features; `features` then writes every feature and
/// returns the entry as the whole file describes it (count, kinds, extent, region warnings).
/// When `features` throws, nothing is written, as with ``LayerStore/writeLayer(_:replace:features:)``.
public protocol OnePassLayerStore: LayerStore {
    func writeLayer(laidOutAs provisional: LayerInfo, replace: Bool, features: (LayerWriter) throws -> LayerInfo) throws -> LayerInfo
}
