# geoctl — build, test and demo on Debian. `make demo` and `make test` are the quick start.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
DEB_PACKAGES := pkg-config libgeos-dev libproj-dev proj-data libspatialite-dev libsqlite3-dev libsqlite3-mod-spatialite
# The tests also check that GDAL (ogrinfo, ogr2ogr) reads the store as it is.
TEST_DEB_PACKAGES := gdal-bin
BIN := .build/$(CONFIG)/geoctl
CITY_SCALE ?= 1
CITY_DIR ?= /tmp/geoctl-city-s$(CITY_SCALE)

.PHONY: deps deps-test install-packages build test bench-appeals sanitize sanitize-address sanitize-thread fuzz demo bench-parse fixtures clean

## deps: install the Debian packages geoctl links against (idempotent; silent when present)
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

## deps-test: what the tests need besides (gdal-bin; chromium, best effort, renders the appeals report)
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

## build: compile geoctl ($(CONFIG))
build: deps
	$(SWIFT) build -c $(CONFIG)

## test: the whole test suite against the real GEOS, PROJ and SpatiaLite (and GDAL); the
## appeal-analytics tests also compare with PySAL's esda and SciPy in .build-venv, made by
## scripts/test-venv.sh while Swift builds (about a minute with a warm pip cache)
test: deps-test
	@bash scripts/test-venv.sh .build-venv & venv=$$!; \
	$(SWIFT) build --build-tests; built=$$?; wait $$venv || exit 1; [ $$built -eq 0 ] || exit $$built
	GEOCTL_REQUIRE_PYSAL=1 $(SWIFT) test --skip-build

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

## bench-parse: GeoJSON parse throughput against orjson and pysimdjson on the synthetic city
bench-parse: build
	bash bench/parse.sh $(CITY_SCALE)

## bench-appeals: geoctl appeals beside GeoPandas / numpy / esda (CITY_DIRS: make-city folders, e.g. scales 1 and 10)
bench-appeals: build
	bash bench/appeals.sh $(CITY_DIRS)

clean:
	rm -rf .build .build-asan .build-tsan .build-fuzz .build-venv
