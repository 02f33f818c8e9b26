import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import Testing
import TestSupport

/// Set by the test to stop its clients.
final class StopFlag: Sendable {
    let value = Mutex(false)
}

@Suite("Replicas on one PostGIS follow changes", .serialized, .enabled(if: PostgresTestDatabase.isAvailable))
struct ReplicaTests {
    static let point = "/route?lon=60.72309&lat=56.07966&category=snow"

    /// One answer: when its request started (seconds on the test's clock), status and organisation.
    struct Answer: Sendable {
        var started: Double
        var status: Int
        var organisation: String?
        var error: String?
    }

    /// Requests without pause from `port` until `stop` is set.
    static func hammer(port: Int, clock: ContinuousClock.Instant, stop: StopFlag) async -> [Answer] {
        let session = URLSession(configuration: .ephemeral)
        let url = URL(string: "http://127.0.0.1:\(port)\(point)")!
        var answers: [Answer] = []
        while !stop.value.withLock({ $0 }) {
            let started = ContinuousClock.now - clock
            let seconds = Double(started.components.seconds) + Double(started.components.attoseconds) / 1e18
            do {
                let (data, response) = try await session.data(from: url)
                let status = (response as? HTTPURLResponse)?.statusCode ?? 0
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
                let org = (object?["organisation"] as? [String: Any])?["id"] as? String
                answers.append(Answer(started: seconds, status: status, organisation: org))
            } catch {
                answers.append(Answer(started: seconds, status: 0, error: "\(error)"))
            }
        }
        session.invalidateAndCancel()
        return answers
    }

    @Test("two geoctl serve on one database, a client on both, one import --replace: both answer the new version within 1 s, no request fails")
    func twoReplicasFollowAnImport() async throws {
        let pg = try PGScratch()
        try pg.importSampleCity()
        let original = try String(contentsOfFile: Geoctl.repository.path + "/fixtures/geojson/territories.geojson", encoding: .utf8)
        let changed = original.replacingOccurrences(of: "\"org\":\"УК «Комфорт»\"", with: "\"org\":\"УК «Южная»\"")
        #expect(changed != original)
        let b = pg.folder + "/territories-b.geojson"
        try changed.write(toFile: b, atomically: true, encoding: .utf8)

        let first = try ServeProcess(binary: Geoctl.binary, in: Geoctl.repository, store: pg.url, rules: "fixtures/routing-rules.yaml")
        defer { first.stop() }
        let second = try ServeProcess(binary: Geoctl.binary, in: Geoctl.repository, store: pg.url, rules: "fixtures/routing-rules.yaml")
        defer { second.stop() }
        try #require(first.port > 0, "no listening line: \(first.stderr)")
        try #require(second.port > 0, "no listening line: \(second.stderr)")

        let clock = ContinuousClock.now
        let stop = StopFlag()
        let clients = [first.port, second.port].map { port in
            Task { await Self.hammer(port: port, clock: clock, stop: stop) }
        }
        // Both are answering (and listening) before the import.
        try await Task.sleep(for: .seconds(1.5))
        let r = try pg.geoctl(["import", b, "--layer", "territories", "--kind", "territory", "--replace"])
        let exited = ContinuousClock.now - clock
        let exit = Double(exited.components.seconds) + Double(exited.components.attoseconds) / 1e18
        #expect(r.status == 0, "\(r.stderr)")
        try await Task.sleep(for: .seconds(2))
        stop.value.withLock { $0 = true }
        var all: [[Answer]] = []
        for c in clients { all.append(await c.value) }

        for (name, answers, server) in [("first", all[0], first), ("second", all[1], second)] {
            #expect(server.stderr.contains("listening for store changes (NOTIFY)"), "\(name): \(server.stderr)")
            let failed = answers.filter { $0.status != 200 || !["ORG-08", "ORG-12"].contains($0.organisation ?? "") }
            #expect(failed.isEmpty, "\(name): \(failed.count) of \(answers.count) failed: \(failed.prefix(3))")
            #expect(answers.contains { $0.started < exit - 0.5 && $0.organisation == "ORG-08" }, "\(name) never answered the old version")
            // Every request sent 1 s after the import's exit gets the new version, and there are such requests.
            let late = answers.filter { $0.started >= exit + 1 }
            #expect(late.count > 10, "\(name): only \(late.count) requests after the reload window")
            #expect(late.allSatisfy { $0.organisation == "ORG-12" }, "\(name): old answers \(late.filter { $0.organisation != "ORG-12" }.count) s after")
            let lastOld = answers.filter { $0.organisation == "ORG-08" }.map(\.started).max() ?? 0
            print("replica \(name): \(answers.count) answers; last old answer's request started \(String(format: "%.3f", lastOld - exit)) s after the import's exit")
        }
    }

    /// The organisation a replica answers for the test point now.
    static func organisation(port: Int) async -> String? {
        guard let answer = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(point)")!),
              let object = try? JSONSerialization.jsonObject(with: answer.0) as? [String: Any] else { return nil }
        return (object["organisation"] as? [String: Any])?["id"] as? String
    }

    /// Waits up to `seconds` for `condition`; true when it held.
    static func eventually(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }

    @Test("the LISTEN connection killed: the replica says so, still reloads by polling, reconnects and follows NOTIFY again")
    func listenConnectionDrops() async throws {
        let pg = try PGScratch()
        try pg.importSampleCity()
        let original = try String(contentsOfFile: Geoctl.repository.path + "/fixtures/geojson/territories.geojson", encoding: .utf8)
        let b = pg.folder + "/territories-b.geojson"
        try original.replacingOccurrences(of: "\"org\":\"УК «Комфорт»\"", with: "\"org\":\"УК «Южная»\"")
            .write(toFile: b, atomically: true, encoding: .utf8)
        // Its own application_name, so only this replica's connection is killed.
        let name = "replica_\(pg.schema)"
        let server = try ServeProcess(binary: Geoctl.binary, in: Geoctl.repository, store: pg.url + "&application_name=\(name)", rules: "fixtures/routing-rules.yaml")
        defer { server.stop() }
        try #require(server.port > 0, "no listening line: \(server.stderr)")
        #expect(await Self.eventually(10) { server.stderr.contains("listening for store changes (NOTIFY)") }, "\(server.stderr)")
        #expect(await Self.organisation(port: server.port) == "ORG-08")

        let killed = try PostgresTestDatabase.psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(name)' AND query ILIKE 'LISTEN%'")
        #expect(killed.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "killed \(killed)")
        #expect(await Self.eventually(5) { server.stderr.contains("LISTEN connection lost") }, "\(server.stderr)")
        #expect(try pg.geoctl(["import", b, "--layer", "territories", "--kind", "territory", "--replace"]).status == 0)
        // Polling or the reconnected listener: either way the new version within a few seconds.
        #expect(await Self.eventually(5) { await Self.organisation(port: server.port) == "ORG-12" })
        #expect(await Self.eventually(5) { server.stderr.contains("LISTEN connection back") }, "\(server.stderr)")
        // Back on NOTIFY: the next import within 1 s.
        let r = try pg.geoctl(["import", "fixtures/geojson/territories.geojson", "--layer", "territories", "--kind", "territory", "--replace"])
        #expect(r.status == 0)
        #expect(await Self.eventually(1) { await Self.organisation(port: server.port) == "ORG-08" })
    }
}
