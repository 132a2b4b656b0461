# Two entry points: `make demo` and `make test`. Each creates .venv as needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean postgresql
APT := apt-get -o DPkg::Lock::Timeout=600
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# durable-rules (triage) compiles a C extension: a compiler and the Python headers, from apt when missing
HEADERS_OK = $(PY) -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(sysconfig.get_paths()["include"] + "/Python.h"))'

$(STAMP): pyproject.toml
	@if ! command -v cc >/dev/null || ! $(HEADERS_OK); then \
	  $(SUDO) $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) $(APT) install -y -qq build-essential python3-dev; fi
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

# The ledger tests start a throwaway PostgreSQL server; install the Debian package when missing.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  { $(SUDO) $(APT) update && DEBIAN_FRONTEND=noninteractive $(SUDO) $(APT) install -y --no-install-recommends postgresql; }

test: $(STAMP) postgresql
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_decide.py
	$(BIN)/python benchmarks/bench_query.py
	$(BIN)/python benchmarks/bench_render.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
