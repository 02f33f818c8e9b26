import ArgumentParser
import Foundation
import GeoCore
import Layers

/// `geoctl appeals duplicates`: groups of appeals about the same thing.
struct AppealsDuplicatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates",
        abstract: "Duplicate appeals: same category, within --within-metres and --within-hours, grouped.",
        discussion: """
        A pair is two appeals of the same category (any with --any-category) at most --within-metres \
        apart (planar, in the appeals' UTM zone) and created at most --within-hours apart, both \
        inclusive. Groups are connected components of pairs; the first created is the representative. \
        CSV (and --output duplicates.csv): one row per member, \
        group,appeal_id,is_first,category,created,distance_m,hours (from the first). --output also \
        writes groups.csv (group,size,span_m,span_hours,first) and summary.csv: the share of appeals \
        that are duplicates (all members but the first) per category, and per organisation with \
        --by-rules or per area with --by.
        """)

    @OptionGroup var common: AppealsOptions
    @Option(name: .customLong("within-metres"), help: "Largest distance of a pair, metres.") var withinMetres: Double = 40
    @Option(name: .customLong("within-hours"), help: "Largest time between a pair's creations, hours.") var withinHours: Double = 48
    @Flag(name: .customLong("any-category"), help: "Pairs regardless of category.") var anyCategory = false
    @Option(help: "Areas for the summary: a polygon layer, optionally .PROPERTY.") var by: String?
    @Option(name: .customLong("by-rules"), help: "Routing rules: the summary per organisation.") var byRules: String?

    func validate() throws {
        guard withinMetres.isFinite, withinMetres > 0 else { throw ValidationError("--within-metres must be a number > 0") }
        guard withinHours.isFinite, withinHours >= 0 else { throw ValidationError("--within-hours must be a number ≥ 0") }
        if by != nil && byRules != nil { throw ValidationError("give --by or --by-rules, not both") }
        if common.format == .geojson { throw ValidationError("duplicates: use --format table, csv or json") }
    }

    func run() throws {
        var timer = PhaseTimer()
        let store = try common.storeOptions.open()
        let appeals = try common.load(store: store)
        timer.mark("load")
        let groups = DuplicateGroups(appeals, metres: withinMetres, hours: withinHours, anyCategory: anyCategory)
        timer.mark("step")
        let memberColumns = ["group", "appeal_id", "is_first", "category", "created", "distance_m", "hours"]
        // The members as CSV bytes (CSV on stdout, or --output), else as a table (JSON): a
        // TextTable of every member's strings was a fifth of the process at 10^6 appeals.
        let membersAsCSV = common.output != nil || common.format == .csv
        var members = TextTable(columns: memberColumns)
        var membersCSV = CSVBuffer(capacity: membersAsCSV ? 80 * (groups.duplicateCount + 2 * groups.groups.count + 1) : 0)
        if membersAsCSV { membersCSV.row(memberColumns) }
        var list = TextTable("group", "size", "span_m", "span_hours", "first")
        for (g, group) in groups.groups.enumerated() {
            let first = group.members[0]
            list.add(String(g + 1), String(group.members.count), number(group.spanMetres), number(group.spanHours), appeals.ids[first])
            for m in group.members {
                let dx = appeals.x[m] - appeals.x[first], dy = appeals.y[m] - appeals.y[first]
                let distance = (dx * dx + dy * dy).squareRoot(), hours = (appeals.created[m] - appeals.created[first]) / 3600
                if membersAsCSV {
                    membersCSV.row()
                    membersCSV.int(g + 1); membersCSV.field(appeals.ids[m]); membersCSV.field(m == first ? "yes" : "no")
                    membersCSV.field(appeals.categories[Int(appeals.category[m])]); membersCSV.iso(appeals.created[m], zone: appeals.zone)
                    membersCSV.number(distance); membersCSV.number(hours)
                } else if common.format == .json {
                    members.add(String(g + 1), appeals.ids[m], m == first ? "yes" : "no", appeals.categories[Int(appeals.category[m])],
                                CivilTime.iso(appeals.created[m], zone: appeals.zone), number(distance), number(hours))
                }
            }
        }
        // The summary.
        var isDuplicate = [Bool](repeating: false, count: appeals.count)
        for group in groups.groups { for m in group.members.dropFirst() { isDuplicate[m] = true } }
        var summary = TextTable("by", "name", "appeals", "duplicates", "share")
        // `of(i, count)` calls `count` with each of appeal i's indexes into `names` (no array per appeal).
        func add(_ kind: String, _ names: [String], _ of: (Int, (Int) -> Void) -> Void) {
            var total = [Int](repeating: 0, count: names.count), dup = total
            for i in 0 ..< appeals.count {
                let duplicate = isDuplicate[i]
                of(i) { a in total[a] += 1; if duplicate { dup[a] += 1 } }
            }
            for a in names.indices where total[a] > 0 {
                summary.add(kind, names[a], String(total[a]), String(dup[a]), number(Double(dup[a]) / Double(total[a]), 4))
            }
        }
        add("all", ["all"]) { _, count in count(0) }
        add("category", appeals.categories) { i, count in count(Int(appeals.category[i])) }
        var areas: AppealAreas?
        if let by {
            let (layer, property) = try common.layerAndProperty(by, store: store)
            areas = AppealAreas.covering(appeals, features: try common.features(layer, store: store), property: property, layer: layer)
        } else if let byRules {
            do { areas = AppealAreas.routed(appeals, router: try Router(store: store, rules: try RoutingRules(path: byRules))) } catch { throw appealsFail(error) }
        }
        if let areas {
            add(byRules != nil ? "organisation" : "area", areas.names) { i, count in for k in areas.start[i] ..< areas.start[i + 1] { count(Int(areas.members[k])) } }
        }
        if common.output != nil {
            try common.emit(membersCSV, name: "duplicates.csv")
            try common.emit(list.render(.csv), name: "groups.csv")
            try common.emit(summary.render(.csv), name: "summary.csv")
        } else if common.format == .table {
            var top = list
            top.rows = Array(list.rows.prefix(20))
            print(top.render(.table))
            print("")
            print(summary.render(.table))
        } else if common.format == .csv {
            try common.emit(membersCSV, name: "duplicates.csv")
        } else {
            print(render(members, common.format))
        }
        common.note("\(groups.groups.count) groups, \(groups.duplicateCount) duplicates of \(appeals.count) appeals (\(number(100 * Double(groups.duplicateCount) / Double(max(1, appeals.count)), 2)) %), \(groups.pairs) pairs within \(number(withinMetres)) m (planar, \(appeals.crs)) and \(number(withinHours)) h\(anyCategory ? ", any category" : ", same category")")
    }
}
