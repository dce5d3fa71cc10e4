# Boxoffice: `make run` starts the counter app (the demo, unless BOXOFFICE_DATA
# names a set-up terminal); `make test` runs every check CI runs. Both install what they
# need on a fresh Debian 12 machine (as root, or with sudo).

SHELL := /bin/bash
.DEFAULT_GOAL := help
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

# System packages: Tauri/WebKitGTK build deps, Xvfb for headless windows,
# Debian's Chromium for the browser end-to-end tests, ImageMagick for screenshots,
# poppler-utils to render and read back the report PDFs in tests, python3-venv for
# the API fuzzer (Schemathesis, from PyPI into .venv-fuzz), openvpn, iproute2 and
# python3 for the link test through a real tunnel between network namespaces,
# postgresql for central's second backend (tests/pg/up.sh starts a throwaway server),
# lintian to check the counter's .deb (tests/package/check.sh).
APT_PACKAGES := libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev \
	librsvg2-dev libssl-dev libudev-dev build-essential curl wget file libxdo-dev \
	pkg-config xvfb xauth imagemagick webkit2gtk-driver chromium poppler-utils \
	python3-venv openvpn iproute2 python3 postgresql lintian

.PHONY: help deps system-deps ui-deps ui run test test-rust test-ui lint bindings-check clean-demo \
	fuzz fuzz-smoke fuzz-deps bench-vpn bench-app load load-one load-smoke package package-smoke package-files

help:
	@echo "make run    - build and open the counter app (demo when unconfigured)"
	@echo "make test   - install what is needed, then run every test and check"
	@echo "make fuzz   - fuzz the live central API against its OpenAPI document (long run)"
	@echo "make bench-vpn - drain 10,000 sales through a real OpenVPN tunnel (80 ms, 1 % loss)"
	@echo "make bench-app - the counter app in its window: cold start, a sale on the 644-seat map, memory (release, Xvfb)"
	@echo "make load-smoke - the load's harness and checks for a few seconds (debug build; in make test)"
	@echo "make load   - central under five loads (web and push references, a counter's whole round, the chain's peak, saturation): SQLite, then 2 instances on PostgreSQL"
	@echo "make package - the counter's .deb and .rpm (release) into dist/packages, checked"
	@echo "               (PROVISIONING_PUB=FILE UPDATE_PUB=FILE install the chain's public keys with it)"

deps: system-deps ui-deps

system-deps:
	@command -v $(CARGO) >/dev/null || { echo "error: cargo not found: install Rust 1.95+ with rustup" >&2; exit 1; }
	@command -v npm >/dev/null || { echo "error: npm not found: install Node.js 20.19+ and npm" >&2; exit 1; }
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		echo "installing system packages..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES); \
	fi

ui-deps: ui/node_modules/.installed

ui/node_modules/.installed: ui/package.json ui/package-lock.json
	cd ui && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

ui: ui-deps
	cd ui && npm run build

run: deps ui
	$(CARGO) build --workspace --bins
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "no display: running the app under Xvfb (screenshot with DISPLAY=:99 import -window root shot.png)"; \
		(Xvfb :99 -screen 0 1280x800x24 >/dev/null 2>&1 &); sleep 1; \
		DISPLAY=:99 ./target/debug/boxoffice $$([ -n "$$BOXOFFICE_DATA" ] || echo --demo); \
	else \
		./target/debug/boxoffice $$([ -n "$$BOXOFFICE_DATA" ] || echo --demo); \
	fi

test: deps ui lint test-rust load-smoke bindings-check fuzz-smoke test-ui package-smoke
	@echo "all checks passed $$(date -u +%T)"

# `make lint` and `make test` compile the workspace's own crates through
# clippy (the wrapper `cargo clippy` itself uses), warnings denied: one build
# lints every target and leaves the binaries and test programs the tests run,
# where a separate `cargo clippy` would compile every crate a second time
# (about 9 minutes of the gate on 2 cores). Same lints, same failures.
# Every target, so that the binaries are built once with the features the
# tests' dependencies unify on (`--bins` alone resolves them otherwise and
# would compile those dependencies again).
BUILD_ALL := $(CARGO) build --workspace --all-targets
CLIPPY_DRIVER := $(shell command -v clippy-driver 2>/dev/null)
# (The smokes too when run alone, so that they reuse the gate's build.)
lint test fuzz-smoke load-smoke: export RUSTC_WORKSPACE_WRAPPER := $(CLIPPY_DRIVER)
lint test fuzz-smoke load-smoke: export CLIPPY_ARGS := -D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__

lint:
	@echo "== $@ started $$(date -u +%T)"
	@[ -n "$(CLIPPY_DRIVER)" ] || { echo "error: clippy not found: rustup component add clippy" >&2; exit 1; }
	$(CARGO) fmt --all -- --check
	$(BUILD_ALL)
	cd ui && npm run check

# Every test once with central on SQLite; then central's behaviour tests and
# the end-to-end tests that do not open central's file again with central on
# PostgreSQL (a real server, tests/pg/up.sh). multi_instance always runs on it.
# The PostgreSQL run uses the test programs the first run built
# (tests/pg/run_built.sh): selecting tests by name with cargo would resolve
# features anew and compile twenty crates again.
PG_CENTRAL_TESTS := openapi push_entries hold_limits hold_rules multi_showtime cli_output
PG_E2E_TESTS := multi_instance provisioning fleet web_collect selection_holds offline_leases refunds reseat \
	exchange shift sign_in approvals audit best_available door_qr crash printer_queue

test-rust:
	@echo "== $@ started $$(date -u +%T)"
	$(BUILD_ALL)
	$(CARGO) test --workspace
	CARGO=$(CARGO) tests/pg/run_built.sh $(PG_CENTRAL_TESTS) $(PG_E2E_TESTS)

# The API fuzzer (Schemathesis) against a live demo central: any 5xx, any
# undocumented status or an answer off its schema fails. fuzz-smoke (15
# examples an operation) runs in `make test`; fuzz (300) is the long run.
fuzz-deps: .venv-fuzz/.installed

.venv-fuzz/.installed: tests/fuzz/requirements.txt
	python3 -m venv .venv-fuzz
	.venv-fuzz/bin/pip install -q --disable-pip-version-check -r tests/fuzz/requirements.txt
	@touch $@

# (The workspace's binaries, as test-rust builds them: building one package
# alone would compile its dependencies again with other features.)
fuzz-smoke: deps fuzz-deps
	@echo "== $@ started $$(date -u +%T)"
	$(BUILD_ALL)
	tests/fuzz/run.sh 15

fuzz: deps fuzz-deps
	$(CARGO) build --workspace --bins
	tests/fuzz/run.sh 300

# Draining 10,000 queued sales through a real OpenVPN tunnel with 80 ms round
# trip and 1 % loss (root: network namespaces and a tun device), release builds.
# The counter app's cold start to the sign-in screen and its memory there
# (tests/benches/app_start.rs), release build, under Xvfb.
# The app in its real window (release): cold start and memory at sign-in
# (app_start), then selling on the 644-seat map through tauri-driver
# (app_selling: time per sale, memory while selling).
TAURI_DRIVER := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin/tauri-driver
bench-app: deps ui
	@[ -x "$(TAURI_DRIVER)" ] || $(CARGO) install tauri-driver@^2 --locked
	$(CARGO) build --release -p boxoffice-app -p boxoffice-central -p boxoffice-site --bins
	@(Xvfb :97 -screen 0 1280x800x24 >/dev/null 2>&1 &) ; sleep 1
	DISPLAY=:97 $(CARGO) bench -p boxoffice-tests --bench app_start --bench app_selling

bench-vpn: deps
	$(CARGO) build --release -p boxoffice-central -p boxoffice-site --bins
	$(CARGO) bench -p boxoffice-tests --bench vpn_drain

# The chain's peak against central (tests/benches/central_load), on SQLite
# then on two instances over one PostgreSQL database, release builds, five
# loads: the goal's references (64 web buyers; 64 counters pushing), a
# counter's whole round (64 counters pushing, following their sites and
# holding), the chain's peak (155 counters selling every 2 s and following
# their sites, 64 web buyers) and saturation (155 counters selling without
# pause, 64 web buyers). Its PostgreSQL is a
# durable server of its own (port 55433), not the tests' fsync-off one.
# LOAD_SECS sets each run's length; `make load-one` runs one load as the
# LOAD_* variables say.
LOAD_RUN = env -u BOXOFFICE_TEST_PG_URL BOXOFFICE_PG_DURABLE=1 BOXOFFICE_PG_DIR=/tmp/boxoffice-pg-load \
	BOXOFFICE_PG_PORT=55433 $(CARGO) bench -p boxoffice-tests --bench central_load
load: deps
	$(CARGO) build --release -p boxoffice-central --bins
	@echo "== 1/5 the goal's reference: 64 web buyers, no terminals"
	LOAD_TERMINALS=0 LOAD_WEB=64 LOAD_THINK_MS=0 $(LOAD_RUN)
	@echo "== 2/5 the goal's reference for pushes: 64 counters pushing without pause, no web buyers"
	LOAD_TERMINALS=64 LOAD_WEB=0 LOAD_THINK_MS=0 LOAD_FOLLOW=0 LOAD_HOLD_EVERY=0 $(LOAD_RUN)
	@echo "== 3/5 a counter's whole round: 64 counters pushing without pause, following, a hold every 5th sale"
	LOAD_TERMINALS=64 LOAD_WEB=0 LOAD_THINK_MS=0 LOAD_FOLLOW=1 LOAD_HOLD_EVERY=5 $(LOAD_RUN)
	@echo "== 4/5 the chain's peak: 155 counters selling every 2 s and following, 64 web buyers"
	LOAD_TERMINALS=155 LOAD_WEB=64 LOAD_THINK_MS=2000 LOAD_FOLLOW=1 LOAD_HOLD_EVERY=5 $(LOAD_RUN)
	@echo "== 5/5 saturation: 155 counters selling without pause and following, 64 web buyers"
	LOAD_TERMINALS=155 LOAD_WEB=64 LOAD_THINK_MS=0 LOAD_FOLLOW=1 LOAD_HOLD_EVERY=5 $(LOAD_RUN)

load-one: deps
	$(CARGO) build --release -p boxoffice-central --bins
	$(LOAD_RUN)

# The load's smoke, in `make test`: the same harness and checks (no seat sold
# twice, no entry applied twice, every web sale at every follower of its
# site, no sale rejected) on the gate's debug build, a few seconds of a small
# chain on SQLite, then on two instances over the tests' PostgreSQL.
load-smoke: deps
	@echo "== $@ started $$(date -u +%T)"
	@set -euo pipefail; \
	prog=$$($(BUILD_ALL) --message-format=json-render-diagnostics | \
		python3 tests/built_programs.py bench central_load); \
	read -r _ dir exe <<<"$$prog"; \
	cd "$$dir" && BOXOFFICE_BIN_DIR=$(CURDIR)/target/debug LOAD_SECS=5 LOAD_TERMINALS=16 LOAD_WEB=4 \
		LOAD_THINK_MS=100 LOAD_GRACE_SECS=30 "$$exe" --bench

# The TypeScript types are generated from the Rust API by the tests above
# (ts-rs); the committed copies must match.
bindings-check:
	@echo "== $@ started $$(date -u +%T)"
	@if [ -n "$$(git status --porcelain -- ui/src/lib/bindings)" ]; then \
		git status --short -- ui/src/lib/bindings; \
		echo "error: ui/src/lib/bindings is out of date: commit the regenerated files" >&2; exit 1; \
	fi

test-ui:
	@echo "== $@ started $$(date -u +%T)"
	cd ui && npm test
	cd ui && BOXOFFICE_BIN_DIR=$(CURDIR)/target/debug npm run e2e

# The counter's packages (installer/): the Tauri bundler's .deb and .rpm,
# release build, into $(PACKAGE_DIR), then checked (tests/package/check.sh:
# files, dependencies, a scratch install running --version, the post-install
# step, lintian). PROVISIONING_PUB=FILE and UPDATE_PUB=FILE put the chain's
# provisioning and update public keys in /usr/share/boxoffice/. Windows:
# installer/windows/README.md.
PACKAGE_DIR := dist/packages
TAURI := $(CURDIR)/ui/node_modules/.bin/tauri
APP_VERSION = $(shell python3 -c 'import json;print(json.load(open("src-tauri/tauri.conf.json"))["version"])')
PACKAGE_CONFIG = $(if $(PROVISIONING_PUB)$(UPDATE_PUB),--config $(CURDIR)/target/package/provisioning.json)

package-files: ui-deps
	@mkdir -p target/package
	gzip -9n -c installer/linux/changelog > target/package/changelog.gz
	gzip -9n -c installer/linux/boxoffice.1 > target/package/boxoffice.1.gz
	@for k in "$(PROVISIONING_PUB)" "$(UPDATE_PUB)"; do \
		[ -z "$$k" ] || [ -s "$$k" ] || { echo "error: $$k is not a key file" >&2; exit 1; }; \
	done
	@if [ -n "$(PROVISIONING_PUB)$(UPDATE_PUB)" ]; then \
		python3 installer/linux/provisioning_config.py "$(if $(PROVISIONING_PUB),$(abspath $(PROVISIONING_PUB)),-)" \
			"$(if $(UPDATE_PUB),$(abspath $(UPDATE_PUB)),-)" > target/package/provisioning.json; \
	fi

package: deps ui package-files
	cd src-tauri && $(TAURI) build --ci --bundles deb,rpm $(PACKAGE_CONFIG)
	@mkdir -p $(PACKAGE_DIR)
	cp target/release/bundle/deb/Boxoffice_$(APP_VERSION)_amd64.deb target/release/bundle/rpm/Boxoffice-$(APP_VERSION)-1.x86_64.rpm $(PACKAGE_DIR)/
	PROVISIONING_PUB="$(if $(PROVISIONING_PUB),$(abspath $(PROVISIONING_PUB)))" \
		UPDATE_PUB="$(if $(UPDATE_PUB),$(abspath $(UPDATE_PUB)))" tests/package/check.sh $(PACKAGE_DIR)/Boxoffice_$(APP_VERSION)_amd64.deb
	@ls -l $(PACKAGE_DIR)

# In `make test`: the same check on a debug .deb (no release build). The app
# is the workspace's own debug build, bundled as it is (`tauri bundle`):
# `tauri build` would compile the app's crates again with other features.
package-smoke: ui package-files
	@echo "== $@ started $$(date -u +%T)"
	$(BUILD_ALL)
	cd src-tauri && $(TAURI) bundle --ci --debug --bundles deb
	tests/package/check.sh target/debug/bundle/deb/Boxoffice_$(APP_VERSION)_amd64.deb --smoke
