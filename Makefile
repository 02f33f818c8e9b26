# geoctl — build, test and demo on Debian. `make demo` and `make test` are the quick start.
SHELL := /bin/bash
SWIFT ?= swift
CONFIG ?= release
DEB_PACKAGES := pkg-config libgeos-dev libproj-dev proj-data libspatialite-dev libsqlite3-dev libsqlite3-mod-spatialite
BIN := .build/$(CONFIG)/geoctl
CITY_SCALE ?= 1
CITY_DIR ?= /tmp/geoctl-city-s$(CITY_SCALE)

.PHONY: deps build test demo bench-parse fixtures clean

## deps: install the Debian packages geoctl links against (idempotent; silent when present)
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
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

## test: the whole test suite against the real GEOS, PROJ and SpatiaLite
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## demo: build, then show what geoctl does with the sample city in fixtures/geojson
demo: build
	@$(BIN) demo fixtures/geojson

## fixtures: regenerate the sample city (deterministic; commit the result)
fixtures:
	python3 scripts/make_fixtures.py fixtures

## bench-parse: GeoJSON parse throughput against orjson and pysimdjson on the synthetic city
bench-parse: build
	bash bench/parse.sh $(CITY_SCALE)

clean:
	rm -rf .build
