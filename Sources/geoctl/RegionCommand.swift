import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl region [show|set W,S,E,N|clear]`: the region imports and `check layer` compare
/// features against.
struct RegionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "region",
        abstract: "Show, set or clear the region that the far-off and swapped lat/lon checks compare against.",
        discussion: """
        Without an explicit region it is the extent of the layers imported without region \
        warnings, so a layer accepted with far-off or swapped features never widens it. A \
        feature is reported when its centre lies outside the region grown by half its size \
        (at least 0.05°) on every side.
        """,
        subcommands: [Show.self, Set.self, Clear.self],
        defaultSubcommand: Show.self)

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the region in use and where it comes from.")
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            let store = try storeOptions.open()
            let region: ExpectedRegion?
            do { region = try ExpectedRegion(store: store, excluding: "") } catch { throw fail(error) }
            guard let region else {
                print("no region yet: the store has no layer with an extent and none was set (geoctl region set W,S,E,N)")
                return
            }
            var table = TextTable("field", "value")
            switch region.source {
            case .explicit: table.add("source", "set explicitly (geoctl region set)")
            case .layers(let names):
                table.add("source", "extent of \(names.count) layer\(names.count == 1 ? "" : "s") imported without region warnings: \(names.joined(separator: ", "))")
            }
            table.add("region (W,S,E,N)", Rounded.box(region.extent))
            table.add("checked against (W,S,E,N)", Rounded.box(region.bounds))
            print(table.render(.table))
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store an explicit region (lon/lat, EPSG:4326) in the catalog.")
        @Argument(help: "W,S,E,N in degrees, e.g. 60.6,56.0,60.9,56.2.")
        var box: String
        @OptionGroup var storeOptions: StoreOptions

        func validate() throws {
            guard parsed != nil else {
                throw ValidationError("the region must be W,S,E,N in degrees with W < E, S < N, within [-180, 180] × [-90, 90]")
            }
        }

        var parsed: BoundingBox? {
            let parts = box.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 4, parts.allSatisfy(\.isFinite), parts[0] < parts[2], parts[1] < parts[3],
                  parts[0] >= -180, parts[2] <= 180, parts[1] >= -90, parts[3] <= 90 else { return nil }
            return BoundingBox(minX: parts[0], minY: parts[1], maxX: parts[2], maxY: parts[3])
        }

        func run() throws {
            let store = try storeOptions.open()
            guard let region = parsed else { return }
            do { try store.setExplicitRegion(region) } catch { throw fail(error) }
            print("region set to \(Rounded.box(region))")
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the explicit region: the layers define it again.")
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            let store = try storeOptions.open()
            do { try store.setExplicitRegion(nil) } catch { throw fail(error) }
            print("explicit region cleared")
        }
    }
}
