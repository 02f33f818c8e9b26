#!/usr/bin/env python3
"""Writes Sources/GeoService/OpenAPIDocument.swift: the OpenAPI 3.1 document of `geoctl serve`.

Edit the description here and run `python3 scripts/openapi_gen.py`; the generated Swift file
is committed, and a test checks every route the server registers is described."""
import json, pathlib

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def problem_responses(*codes):
    r = {"4XX": {"description": "A problem (RFC 9457) naming what is wrong",
                  "content": {"application/problem+json": {"schema": ref("Problem")}}}}
    for code in codes:
        r[str(code)] = {"description": {"503": "Not ready, or the category cannot be routed now",
                                        "413": "The body or the number of rows is over the limit"}[str(code)],
                         "content": {"application/problem+json": {"schema": ref("Problem")}}}
    return r
def ok(schema, ctype="application/json", desc="OK"):
    return {"200": {"description": desc, "content": {ctype: {"schema": schema}}}}
def qparam(name, schema, required=False, desc=""):
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": desc}
def pparam(name, schema, desc=""):
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": desc}
lon = qparam("lon", {"type": "number", "minimum": -180, "maximum": 180}, True, "Longitude, WGS84 degrees")
lat = qparam("lat", {"type": "number", "minimum": -90, "maximum": 90}, True, "Latitude, WGS84 degrees")
apikey = {"name": "X-API-Key", "in": "header", "required": False, "schema": {"type": "string"},
          "description": "Grants the restricted layers the key file lists; without it restricted layers do not exist"}
nullable_str = {"type": ["string", "null"]}
link = {"type": "object", "required": ["href", "rel"], "properties": {
    "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"}, "title": {"type": "string"}}}

schemas = {
    "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "parameter": {"type": "string"},
        "known_categories": {"type": "array", "items": {"type": "string"}}}},
    "Organisation": {"type": "object", "required": ["id", "name", "phone", "email", "address"], "properties": {
        "id": nullable_str, "name": {"type": "string"}, "phone": nullable_str, "email": nullable_str, "address": nullable_str}},
    "Decision": {"type": "object", "required": ["lon", "lat", "category", "category_ru", "category_en", "deadline_days",
                                                 "organisation", "rule", "rule_index", "layer", "feature_id", "distance_m",
                                                 "flags", "candidates", "neighbours"],
                 "properties": {
        "lon": {"type": "number"}, "lat": {"type": "number"}, "category": {"type": "string"},
        "category_ru": {"type": "string"}, "category_en": {"type": "string"}, "deadline_days": {"type": "integer"},
        "organisation": {"oneOf": [ref("Organisation"), {"type": "null"}]},
        "rule": nullable_str, "rule_index": {"type": ["integer", "null"]}, "layer": nullable_str, "feature_id": nullable_str,
        "distance_m": {"type": ["number", "null"]},
        "flags": {"type": "array", "items": {"type": "string", "enum": ["outside_territory", "on_border", "near_border",
                                                                       "overlapping_claims", "fallback", "unrouted", "invalid_input"]}},
        "candidates": {"type": "array", "items": {"type": "object", "required": ["feature_id", "organisation", "on_boundary"],
                       "properties": {"feature_id": {"type": "string"}, "organisation": nullable_str, "on_boundary": {"type": "boolean"}}}},
        "neighbours": {"type": "array", "items": {"type": "object", "required": ["organisation", "feature_id", "distance_m"],
                       "properties": {"organisation": {"type": "string"}, "feature_id": {"type": "string"}, "distance_m": {"type": "number"}}}}}},
    "Place": {"type": "object", "required": ["lon", "lat", "covering", "nearest"], "properties": {
        "lon": {"type": "number"}, "lat": {"type": "number"},
        "covering": {"type": "array", "items": {"type": "object", "required": ["layer", "kind", "feature_id", "on_boundary", "properties"],
                     "properties": {"layer": {"type": "string"}, "kind": {"type": "string"}, "feature_id": {"type": "string"},
                                    "on_boundary": {"type": "boolean"}, "properties": {"type": "object"}}}},
        "nearest": {"type": "array", "items": {"type": "object", "required": ["kind", "layer", "feature_id", "distance_m", "properties"],
                    "properties": {"kind": {"type": "string"}, "layer": {"type": "string"}, "feature_id": {"type": "string"},
                                   "distance_m": {"type": "number"}, "properties": {"type": "object"}}}}}},
    "BatchAppeal": {"type": "object", "properties": {
        "lon": {"type": "number"}, "lat": {"type": "number"}, "category": {"type": "string"},
        "id": {"description": "Echoed back; any JSON value"}}},
    "MapItArea": {"type": "object", "required": ["id", "name", "type", "type_name", "country", "parent_area",
                                                  "generation_low", "generation_high", "codes", "all_names"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "type": {"type": "string"}, "type_name": {"type": "string"},
        "country": {"type": "string"}, "country_name": {"type": "string"}, "parent_area": {"type": ["integer", "null"]},
        "generation_low": {"type": "integer"}, "generation_high": {"type": "integer"},
        "codes": {"type": "object", "additionalProperties": {"type": "string"}},
        "all_names": {"type": "object"}}},
    "Open311Service": {"type": "object", "required": ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
        "properties": {"service_code": {"type": "string"}, "service_name": {"type": "string"}, "description": {"type": "string"},
                       "metadata": {"type": "boolean"}, "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                       "keywords": {"type": "string"}, "group": {"type": "string"}}},
    "Link": link,
    "Collection": {"type": "object", "required": ["id", "links"], "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"}, "itemType": {"type": "string"},
        "crs": {"type": "array", "items": {"type": "string"}},
        "extent": {"type": "object", "properties": {"spatial": {"type": "object", "properties": {
            "bbox": {"type": "array", "items": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
            "crs": {"type": "string"}}}}},
        "links": {"type": "array", "items": ref("Link")}}},
    "Feature": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": {"const": "Feature"}, "id": {"type": ["string", "number"]},
        "geometry": {"type": ["object", "null"]}, "properties": {"type": ["object", "null"]},
        "links": {"type": "array", "items": ref("Link")}}},
    "FeatureCollection": {"type": "object", "required": ["type", "features"], "properties": {
        "type": {"const": "FeatureCollection"}, "numberReturned": {"type": "integer", "minimum": 0},
        "links": {"type": "array", "items": ref("Link")},
        "features": {"type": "array", "items": ref("Feature")}}},
}

paths = {
    "/route": {
        "get": {"operationId": "routeAppeal", "summary": "Route one appeal: the organisation, contacts, deadline, rule and why",
                "description": "The same decision as `geoctl route --format json`.",
                "parameters": [lon, lat, qparam("category", {"type": "string", "minLength": 1}, True, "A category id (see /open311/v2/services.json)")],
                "responses": {**ok(ref("Decision")), **problem_responses(503)}},
        "post": {"operationId": "routeBatch", "summary": "Route a batch: one row per input row, in input order; a bad row never fails the others",
                 "description": "The same path as `geoctl route --input`. Body by Content-Type: a JSON array of appeal objects, a GeoJSON FeatureCollection of points, or CSV with a header. The answer is GeoJSON, or CSV when Accept asks for text/csv (or the body was CSV and Accept does not ask for JSON), with the columns of `geoctl route --output`. Bodies over 16 MiB (`--max-body-mb`) get 413.",
                 "parameters": [qparam("lon_column", {"type": "string"}), qparam("lat_column", {"type": "string"}),
                                qparam("category_column", {"type": "string"}), qparam("id_column", {"type": "string"}),
                                qparam("from_crs", {"type": "string"}, False, "The batch's CRS (EPSG code, PROJ string or WKT)")],
                 "requestBody": {"required": True, "content": {
                     "application/json": {"schema": {"type": "array", "items": ref("BatchAppeal")}},
                     "application/geo+json": {"schema": {"type": "object", "required": ["type", "features"], "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": ref("Feature")}}}},
                     "text/csv": {"schema": {"type": "string"}}}},
                 "responses": {"200": {"description": "The routed rows, in input order", "content": {
                     "application/geo+json": {"schema": ref("FeatureCollection")},
                     "text/csv": {"schema": {"type": "string"}}}}, **problem_responses(413, 503)}}},
    "/at": {"get": {"operationId": "whatIsHere", "summary": "What is here: every polygon feature covering the point, the nearest institution of each kind",
                    "parameters": [lon, lat, qparam("within", {"type": "integer", "minimum": 0, "maximum": 50000}, False, "Metres to look for institutions (default 5000)"), apikey],
                    "responses": {**ok(ref("Place")), **problem_responses(503)}}},
    "/point/4326/{coordinates}": {"get": {"operationId": "mapitPoint", "summary": "MapIt-compatible: the areas covering LON,LAT, keyed by area id",
        "parameters": [pparam("coordinates", {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?,-?[0-9]+(\\.[0-9]+)?(\\.json)?$"}, "LON,LAT in degrees, optionally followed by .json"),
                       qparam("type", {"type": "string"}, False, "Comma-separated area types (layer names) to keep"), apikey],
        "responses": {**ok({"type": "object", "additionalProperties": ref("MapItArea")}), **problem_responses(503)}}},
    "/open311/v2/services.json": {"get": {"operationId": "open311Services", "summary": "Open311 GeoReport v2 service list: the routing categories",
        "responses": {**ok({"type": "array", "items": ref("Open311Service")}), **problem_responses(503)}}},
    "/open311/v2/services/{code}": {"get": {"operationId": "open311Service", "summary": "Open311 GeoReport v2 service definition (the path ends in .json)",
        "parameters": [pparam("code", {"type": "string"}, "The service code followed by .json")],
        "responses": {**ok({"type": "object", "required": ["service_code", "attributes"], "properties": {
            "service_code": {"type": "string"}, "attributes": {"type": "array"}}}), **problem_responses(503)}}},
    "/": {"get": {"operationId": "landingPage", "summary": "OGC API – Features landing page",
                  "responses": {**ok({"type": "object", "required": ["links"], "properties": {"title": {"type": "string"}, "description": {"type": "string"}, "links": {"type": "array", "items": ref("Link")}}}), **problem_responses()}}},
    "/conformance": {"get": {"operationId": "conformance", "summary": "OGC API – Features conformance classes",
                             "responses": {**ok({"type": "object", "required": ["conformsTo"], "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}}}), **problem_responses()}}},
    "/collections": {"get": {"operationId": "collections", "summary": "The layers this caller may read",
                             "parameters": [apikey],
                             "responses": {**ok({"type": "object", "required": ["links", "collections"], "properties": {"links": {"type": "array", "items": ref("Link")}, "collections": {"type": "array", "items": ref("Collection")}}}), **problem_responses(503)}}},
    "/collections/{layer}": {"get": {"operationId": "collection", "summary": "One layer",
                                      "parameters": [pparam("layer", {"type": "string"}), apikey],
                                      "responses": {**ok(ref("Collection")), **problem_responses(503)}}},
    "/collections/{layer}/items": {"get": {"operationId": "items", "summary": "A layer's features, a page at a time (follow the `next` link)",
        "parameters": [pparam("layer", {"type": "string"}),
                       {**qparam("bbox", {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}, False, "W,S,E,N in degrees"), "style": "form", "explode": False},
                       qparam("limit", {"type": "integer", "minimum": 1, "maximum": 10000, "default": 10}),
                       qparam("offset", {"type": "integer", "minimum": 0, "default": 0}), apikey],
        "responses": {**ok(ref("FeatureCollection"), "application/geo+json"), **problem_responses(503)}}},
    "/collections/{layer}/items/{id}": {"get": {"operationId": "item", "summary": "One feature",
        "parameters": [pparam("layer", {"type": "string"}), pparam("id", {"type": "string"}), apikey],
        "responses": {**ok(ref("Feature"), "application/geo+json"), **problem_responses(503)}}},
    "/healthz": {"get": {"operationId": "healthz", "summary": "The process is up",
                         "responses": {**ok({"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}), **problem_responses()}}},
    "/readyz": {"get": {"operationId": "readyz", "summary": "A router is loaded (the layers and versions, the last reload error; `degraded` with the categories that cannot route, e.g. after a layer the rules use was dropped); 503 with the reason when no router is loaded",
                        "responses": {**ok({"type": "object", "required": ["status", "layers"], "properties": {
                            "status": {"enum": ["ready", "degraded"]}, "layers": {"type": "object", "additionalProperties": {"type": "integer"}},
                            "categories": {"type": "integer"}, "unavailable_categories": {"type": "object", "additionalProperties": {"type": "string"}}, "loaded_at": {"type": "number"}, "router_memory_bytes": {"type": "integer"}, "reloads": {"type": "integer"},
                            "reload_failures": {"type": "integer"}, "last_reload_error": nullable_str}}), **problem_responses(503)}}},
    "/metrics": {"get": {"operationId": "metrics", "summary": "Prometheus text: requests by route and status, latency, reloads, layer versions",
                         "responses": {**ok({"type": "string"}, "text/plain"), **problem_responses()}}},
    "/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                              "responses": {**ok({"type": "object"}, "application/vnd.oai.openapi+json"), **problem_responses()}}},
}

doc = {"openapi": "3.1.0",
       "info": {"title": "geoctl serve", "version": "0.1.0",
                "description": "Appeal routing, what-is-here, MapIt-compatible points, Open311 discovery and OGC API – Features over a geoctl layer store.",
                "license": {"name": "MIT", "identifier": "MIT"}},
       "servers": [{"url": "/"}],
       "paths": paths, "components": {"schemas": schemas}}
text = json.dumps(doc, ensure_ascii=False, indent=1)
swift = '''// Generated by scripts/openapi_gen.py; edit that script and run it again.

/// The OpenAPI 3.1 description of every endpoint, served at `/openapi.json`. A test checks
/// that every route the application registers appears here.
enum OpenAPIDocument {
    static let text = #"""
''' + text + '''
"""#
}
'''
pathlib.Path(__file__).resolve().parent.parent.joinpath("Sources/GeoService/OpenAPIDocument.swift").write_text(swift)
