# Two entry points: `make demo` and `make test`. Each creates .venv as needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Debian packages for PDF output and its tests: pango and HarfBuzz's font subsetter (WeasyPrint),
# a Chinese font (also for the monthly report's charts), poppler-utils (pdftotext reads PDFs back);
# postgresql for the ledger tests and benchmark (they start a throwaway server of their own);
# chromium (the report test renders the HTML report headless). Installed only when missing.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils postgresql chromium
APT := apt-get -o DPkg::Lock::Timeout=600
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# durable-rules (triage) compiles a C extension: a compiler and the Python headers, from apt when missing
HEADERS_OK = $(PY) -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))'

.PHONY: demo test bench bench-zen clean system-packages

$(STAMP): pyproject.toml
	@if ! command -v cc >/dev/null || ! $(HEADERS_OK); then \
	  $(SUDO) $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) $(APT) install -y -qq build-essential python3-dev; fi
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,pdf]'
	touch $(STAMP)

DEMO_DB := $(VENV)/demo-ledger.db

demo: $(STAMP) system-packages
	@echo "== the bundled ruleset =="
	$(BIN)/fireenforce check
	@echo "== its catalogue =="
	$(BIN)/fireenforce catalogue
	@echo "== a decision: e-bike charging in a high-rise stairwell, after a written warning =="
	$(BIN)/fireenforce decide examples/ebike-highrise.json
	@echo "== what applies here? =="
	$(BIN)/fireenforce query "楼道里电动车在充电" --top 3
	@echo "== the penalty decision for a 300 yuan fine (plain text; --format html prints for A4) =="
	$(BIN)/fireenforce render examples/ebike-highrise.json --document penalty_decision --fine 300 --format text
	@echo "== the same decision as DOCX, to edit in Word or WPS (PDF: --format pdf) =="
	@mkdir -p build
	$(BIN)/fireenforce render examples/ebike-highrise.json --document penalty_decision --fine 300 --format docx --out build/penalty_decision.docx
	@echo "written: build/penalty_decision.docx"
	@echo "== the ledger on a temporary SQLite file: record, overdue, re-inspect (not rectified), re-inspect (rectified), verify =="
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && db="$$tmp/office.db" && set -e && \
	$(BIN)/fireenforce ledger init --db "$$db" && \
	$(BIN)/fireenforce ledger record examples/ledger-shop.json --db "$$db" --officer 王某 --format json > "$$tmp/rec.json" && \
	finding=$$($(BIN)/python -c 'import json,sys; print(json.load(open(sys.argv[1]))["finding"])' "$$tmp/rec.json") && \
	echo "-- recorded $$finding; due for re-inspection on 2026-05-12:" && \
	$(BIN)/fireenforce ledger due --on 2026-05-12 --db "$$db" && \
	echo "-- re-inspected on 2026-05-12, not rectified: the next step, decided with the ledger's history" && \
	$(BIN)/fireenforce ledger reinspect "$$finding" --on 2026-05-12 --not-rectified --officer 王某 --db "$$db" && \
	echo "-- re-inspected on 2026-05-20, rectified:" && \
	$(BIN)/fireenforce ledger reinspect "$$finding" --on 2026-05-20 --rectified --officer 李某 --db "$$db" && \
	$(BIN)/fireenforce ledger history 91621002MA71K3QX2K --db "$$db" && \
	$(BIN)/fireenforce ledger verify --db "$$db"
	@echo "== device events: validate a file, and triage its day without a ledger =="
	$(BIN)/fireenforce signals check examples/signals.jsonl
	$(BIN)/fireenforce triage --on 2026-05-10 --signals examples/signals.jsonl
	@echo "== a seeded year of a simulated district in a fresh ledger (a minute or two), its triage and monthly report =="
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/fireenforce seed --db $(DEMO_DB) --from 2025-06-01 --months 12 --rate 0.5 --triage-from 2026-04-01
	$(BIN)/fireenforce triage --db $(DEMO_DB) --on 2026-05-29
	$(BIN)/fireenforce report --db $(DEMO_DB) --month 2026-05 --format csv --out $(VENV)/report-2026-05.csv
	$(BIN)/fireenforce report --db $(DEMO_DB) --month 2026-05 --format html --out $(VENV)/report-2026-05.html
	@echo "open $(VENV)/report-2026-05.html in a browser and print it on A4"

system-packages:
	@command -v dpkg-query >/dev/null || { echo "not Debian: install $(SYSTEM_PACKAGES) or equivalents by hand"; exit 0; }; \
	missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	[ -z "$$missing" ] && exit 0; \
	echo "installing" $$missing; \
	$(SUDO) $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) $(APT) install -y -qq --no-install-recommends $$missing

test: $(STAMP) system-packages
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto

bench: $(STAMP) system-packages
	$(BIN)/python benchmarks/bench_decide.py
	$(BIN)/python benchmarks/bench_query.py
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_triage.py
	$(BIN)/python benchmarks/bench_ledger.py
	$(BIN)/python benchmarks/bench_service.py

# decide against the GoRules ZEN engine in one interleaved run; zen-engine goes into
# benchmarks/.venv-zen only (created on first run), never into the project's dependencies
bench-zen: $(STAMP)
	$(BIN)/python benchmarks/bench_zen.py

clean:
	rm -rf $(VENV) benchmarks/.venv-zen build dist .pytest_cache .hypothesis
