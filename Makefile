# Two entry points: `make demo` and `make test`. Each creates .venv as needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean postgresql browser
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

# The ledger tests start a throwaway PostgreSQL server; install the Debian package when missing.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
	  { $(SUDO) $(APT) update && DEBIAN_FRONTEND=noninteractive $(SUDO) $(APT) install -y --no-install-recommends postgresql; }

# The browser tests drive the system Chromium (Debian packages, never a browser download).
browser:
	@{ [ -x /usr/bin/chromium ] && dpkg -s fonts-noto-cjk >/dev/null 2>&1; } || \
	  { $(SUDO) $(APT) update && DEBIAN_FRONTEND=noninteractive $(SUDO) $(APT) install -y --no-install-recommends chromium fonts-noto-cjk; }

test: $(STAMP) postgresql browser
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_decide.py
	$(BIN)/python benchmarks/bench_query.py
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_service.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
