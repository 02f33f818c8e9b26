# geoctl — build, test and demo on Debian. `make demo` and `make test` are the quick start.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
DEB_PACKAGES := pkg-config libgeos-dev libproj-dev proj-data libspatialite-dev libsqlite3-dev libsqlite3-mod-spatialite libpq-dev
# The tests also check that GDAL (ogrinfo, ogr2ogr) reads the store as it is, and run the
# PostGIS store against a throw-away PostgreSQL 15 + PostGIS 3 cluster (scripts/with-postgres.sh).
TEST_DEB_PACKAGES := gdal-bin postgresql-15-postgis-3
BIN := .build/$(CONFIG)/geoctl
# Benchmarks: the synthetic city's scale (bench/make_city.py) and runs per measurement.
CITY_SCALE ?= 1
RUNS ?= 3

.PHONY: deps deps-test install-packages build test sanitize sanitize-address sanitize-thread fuzz demo fixtures clean \
	bench-parse bench-import bench-formats bench-route bench-coverage bench-check bench-layers bench-postgis schemathesis bench-serve bench-replicas bench-appeals

## deps: install the Debian packages geoctl links against (idempotent; silent when present)
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

## deps-test: what the tests need besides (gdal-bin, PostgreSQL 15 with PostGIS 3; chromium, best
## effort, renders the appeals report)
deps-test: deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(TEST_DEB_PACKAGES)"
	@$(MAKE) --no-print-directory install-packages PACKAGES="chromium" || echo "chromium could not be installed: the appeals report is not rendered (that test is skipped)" >&2

install-packages:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Release builds compile every module, SwiftNIO's included, without the run-time exclusivity
# checks (the compiler's static ones stay): 13 % fewer instructions per `GET /route` answer, the
# same bytes (BENCHMARKS.md, issue 12). Debug builds, which the tests run, keep the checks.
# RELEASE_SWIFTFLAGS= builds with them. SwiftPM rebuilds everything when these flags change.
RELEASE_SWIFTFLAGS ?= -Xswiftc -enforce-exclusivity=unchecked

## build: compile geoctl ($(CONFIG); release without run-time exclusivity checks, see above)
build: deps
	$(SWIFT) build -c $(CONFIG) $(if $(filter release,$(CONFIG)),$(RELEASE_SWIFTFLAGS))

## test: the whole test suite against the real GEOS, PROJ, SpatiaLite, PostgreSQL/PostGIS (and
## GDAL), beside a throw-away cluster on a private socket (scripts/with-postgres.sh), with a
## private TMPDIR that must be as empty afterwards as before: the suite leaves nothing behind.
## (SwiftPM's own TemporaryDirectory.* folders and *.lock files there are not the suite's.)
## The appeal-analytics tests also compare with PySAL's esda and SciPy in .build-venv, made by
## scripts/test-venv.sh while Swift builds.
## It ends with one line "N passed, N failed" (scripts/test-summary.sh keeps swift test's exit status).
test: deps-test
	@bash scripts/test-venv.sh .build-venv & venv=$$!; \
	$(SWIFT) build --build-tests; built=$$?; wait $$venv || exit 1; [ $$built -eq 0 ] || exit $$built
	@tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/geoctl-tests.XXXXXX"); before=$$(ls -A "$$tmp"); \
	GEOCTL_REQUIRE_PYSAL=1 TMPDIR="$$tmp" SWIFT=$(SWIFT) bash scripts/with-postgres.sh bash scripts/test-summary.sh --skip-build; status=$$?; \
	after=$$(cd "$$tmp" && find . -mindepth 1 -not -path './TemporaryDirectory.*' -not -path './*.lock' | sort); rm -rf "$$tmp"; \
	if [ "$$after" != "$$before" ]; then echo "The tests left this in TMPDIR:"; echo "$$after"; [ $$status -ne 0 ] || status=1; fi; \
	exit $$status

## schemathesis: fuzz the live HTTP service against its /openapi.json (PyPI schemathesis in
## .build-venv/schemathesis): no 5xx, every response conforms. SCHEMATHESIS_SECONDS (default 120).
SCHEMATHESIS_SECONDS ?= 120
schemathesis: deps
	$(SWIFT) build --product geoctl
	bash scripts/schemathesis.sh .build/debug/geoctl $(SCHEMATHESIS_SECONDS)

## sanitize: the whole test suite under AddressSanitizer, then ThreadSanitizer (the geoctl
## binary the CLI tests run is instrumented too). Separate build folders keep `make test` fast.
## The hostile-input cases shrink (a 500,000-vertex polygon, 32 MB on stdin) and their
## memory and time bounds widen by the sanitizer's known overhead.
sanitize: sanitize-address sanitize-thread

SANITIZED_TESTS = GEOCTL_HOSTILE_VERTICES=500000 GEOCTL_HOSTILE_STDIN_MB=32

sanitize-address: deps-test
	$(SWIFT) build --build-tests --sanitize=address --build-path .build-asan
	$(SANITIZED_TESTS) GEOCTL_SANITIZER=address LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/sanitizers/lsan.supp $(SWIFT) test --skip-build --sanitize=address --build-path .build-asan

sanitize-thread: deps-test
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build-tsan
	$(SANITIZED_TESTS) GEOCTL_SANITIZER=thread $(SWIFT) test --skip-build --sanitize=thread --build-path .build-tsan

## fuzz: libFuzzer on the GeoJSON reader for FUZZ_SECONDS (default 300); see scripts/fuzz.sh
FUZZ_SECONDS ?= 300
fuzz: deps
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

## demo: build, then show what geoctl does with the sample city in fixtures/geojson
demo: build
	@$(BIN) demo fixtures/geojson

## fixtures: regenerate the sample city (deterministic; commit the result)
fixtures:
	python3 scripts/make_fixtures.py fixtures

## bench-*: each runs from a fresh clone. It builds geoctl (release); generates the synthetic
## city with bench/make_city.py into .build/bench-city/; installs its Python venv
## (.build/bench-venv) and, for the anchors that need them, GDAL and a throw-away PostGIS.
## CITY_SCALE=10 RUNS=5 for the figures in BENCHMARKS.md.
## bench-parse: GeoJSON parse throughput against orjson and pysimdjson
bench-parse: build
	bash bench/parse.sh $(CITY_SCALE) $(RUNS)

## bench-postgis: the PostGIS store: import against ogr2ogr (PG_USE_COPY=YES) and SpatiaLite,
## reads against SpatiaLite, identical outputs; LARGE_SCALE=10 adds the import's peak memory
bench-postgis: build
	bash bench/postgis.sh $(CITY_SCALE) $(RUNS) $(LARGE_SCALE)

## bench-import: geoctl import against ogr2ogr into SpatiaLite and into a GeoPackage (peak RSS too)
bench-import: build
	bash bench/import.sh $(CITY_SCALE) $(RUNS)

## bench-formats: Shapefile and GeoPackage import (through ogr2ogr) against GeoJSON import
bench-formats: build
	bash bench/formats.sh $(CITY_SCALE) $(RUNS)

## bench-route: appeal routing against GeoPandas and PostGIS
bench-route: build
	bash bench/route.sh $(CITY_SCALE) $(RUNS)

## bench-coverage: waste-site coverage against GeoPandas and PostGIS
bench-coverage: build
	bash bench/coverage.sh $(CITY_SCALE) $(RUNS)

## bench-check: the territory check against Shapely and PostGIS
bench-check: build
	bash bench/check.sh $(CITY_SCALE) $(RUNS)

## bench-serve: geoctl serve under wrk on loopback (GET and POST /route, a reload under load),
## beside the MapIt anchor (bench/mapit/; MAPIT=0 leaves it out)
bench-serve: build
	@[ "$${MAPIT:-1}" = 0 ] || bash bench/mapit/install.sh > /dev/null
	MAPIT=$${MAPIT:-1} bash bench/serve.sh $(CITY_SCALE)

## bench-replicas: two geoctl serve replicas on one PostGIS: requests/s, reload time after an import
bench-replicas: build
	bash bench/replicas.sh $(CITY_SCALE)

## bench-layers: import-dir of 211 generated layers, then `geoctl layers`
bench-layers: build
	bash bench/layers211.sh

## bench-appeals: geoctl appeals beside GeoPandas / numpy / esda on the synthetic city at
## CITY_SCALE (or CITY_DIRS: city folders, e.g. scales 1 and 10)
bench-appeals: build
	@[ -n "$(CITY_DIRS)" ] || [ -f .build/bench-city/s$(CITY_SCALE)/meta.json ] || python3 bench/make_city.py $(CITY_SCALE) .build/bench-city/s$(CITY_SCALE) > /dev/null
	bash bench/appeals.sh $(or $(CITY_DIRS),$(CURDIR)/.build/bench-city/s$(CITY_SCALE))

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz .build-venv
