# Two entry points: `make demo` and `make test`. Each creates .venv as needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean postgresql
APT := apt-get -o DPkg::Lock::Timeout=600
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@echo "== the bundled ruleset =="
	$(BIN)/fireenforce check
	@echo "== its catalogue =="
	$(BIN)/fireenforce catalogue
	@echo "== a decision: e-bike charging in a high-rise stairwell, after a written warning =="
	$(BIN)/fireenforce decide examples/ebike-highrise.json
	@echo "== what applies here? =="
	$(BIN)/fireenforce query "楼道里电动车在充电" --top 3
	@echo "== the penalty decision for a 650 yuan fine (plain text; --format html prints for A4) =="
	$(BIN)/fireenforce render examples/ebike-highrise.json --document penalty_decision --fine 650 --format text
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
	$(BIN)/fireenforce ledger reinspect "$$finding" --on 2026-05-20 --rectified --db "$$db" && \
	$(BIN)/fireenforce ledger history 91621002MA71K3QX2K --db "$$db" && \
	$(BIN)/fireenforce ledger verify --db "$$db"

# The ledger tests start a throwaway PostgreSQL server; install the Debian package when missing.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  { $(SUDO) $(APT) update && DEBIAN_FRONTEND=noninteractive $(SUDO) $(APT) install -y --no-install-recommends postgresql; }

test: $(STAMP) postgresql
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP) postgresql
	$(BIN)/python benchmarks/bench_decide.py
	$(BIN)/python benchmarks/bench_query.py
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_ledger.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
