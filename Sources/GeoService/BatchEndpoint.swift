import Dispatch
import GeoCore
import Hummingbird
import Layers

extension ServiceContext {
    /// `POST /route` for batches, on the same path as `geoctl route --input`
    /// (``Layers/Router/routeBatch(from:to:threads:chunkSize:progress:)``): the body is a JSON
    /// array of objects (`application/json`), a GeoJSON FeatureCollection of points
    /// (`application/geo+json`) or CSV with a header (`text/csv`). Query parameters
    /// `lon_column`, `lat_column`, `category_column`, `id_column` and `from_crs` are the
    /// CLI's `--lon-column` … `--from-crs`.
    ///
    /// The answer has one row per input row, in input order, as `geoctl route --output`
    /// writes it: CSV when the request accepts `text/csv` (or sent CSV and accepts anything),
    /// else GeoJSON. A bad row becomes an error row and never fails the others. Bodies over
    /// ``ServiceConfiguration/maxBodyBytes`` (16 MiB by default) get 413.
    func addBatchEndpoint(to router: Hummingbird.Router<BasicRequestContext>) {
        router.post("/route") { request, _ -> Response in
            let contentType = (request.headers[.contentType] ?? "application/json").lowercased()
            let format: AppealBatchFormat
            if contentType.hasPrefix("application/json") {
                format = .jsonArray
            } else if contentType.hasPrefix("application/geo+json") {
                format = .geojson
            } else if contentType.hasPrefix("text/csv") {
                format = .csv
            } else {
                throw Problem(.unsupportedMediaType, type: "unsupported-media-type", title: "Unsupported media type",
                              detail: "POST /route takes application/json (an array of appeals), application/geo+json or text/csv")
            }
            let accept = (request.headers[.accept] ?? "*/*").lowercased()
            let output: RoutedAppealWriter.Format = accept.contains("text/csv") || (format == .csv && !accept.contains("json"))
                ? .csv : .geojson
            let query = Query(request)
            var options = AppealBatchOptions()
            if let v = query.string("lon_column") { options.lonColumn = v }
            if let v = query.string("lat_column") { options.latColumn = v }
            if let v = query.string("category_column") { options.categoryColumn = v }
            if let v = query.string("id_column") { options.idColumn = v }
            options.sourceCRS = query.string("from_crs")
            let batchOptions = options
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: configuration.maxBodyBytes)
            } catch let error as any HTTPResponseError {
                throw error   // 413 over the limit
            } catch {
                // The client stopped sending before its Content-Length: its mistake, not ours.
                throw Problem(.badRequest, type: "incomplete-body", title: "Incomplete body",
                              detail: "the request body ended before its declared length (\(error))")
            }
            let bytes = Array(body.readableBytesView)
            let loaded = try loaded()
            let answer: [UInt8] = try await withCheckedThrowingContinuation { continuation in
                // CPU-bound: off the threads that answer other requests.
                DispatchQueue.global(qos: .userInitiated).async {
                    continuation.resume(with: Result {
                        let reader: AppealBatchReader
                        do {
                            reader = try AppealBatchReader(bytes: bytes, format: format, source: "request body", options: batchOptions)
                        } catch {
                            throw Problem(.badRequest, type: "invalid-body", title: "Invalid body", detail: "\(error)")
                        }
                        let writer = RoutedAppealWriter(format: output)
                        do {
                            _ = try loaded.router.routeBatch(from: reader, to: writer, threads: 2)
                        } catch {
                            throw Problem(.badRequest, type: "invalid-body", title: "Invalid body", detail: "\(error)")
                        }
                        let answer = writer.bytes
                        FreedMemory.release()
                        return answer
                    })
                }
            }
            return JSONResponse.bytes(answer, contentType: output == .csv ? "text/csv; charset=utf-8" : "application/geo+json")
        }
    }
}
