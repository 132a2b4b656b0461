# Two entry points: `make demo` and `make test`. Each creates .venv as needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Debian packages for PDF output and its tests: pango and HarfBuzz's font subsetter (WeasyPrint),
# a Chinese font, poppler-utils (pdftotext reads PDFs back). Installed only when missing.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils
APT := apt-get -o DPkg::Lock::Timeout=600

.PHONY: demo test bench clean system-packages

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,pdf]'
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
	@echo "== the penalty decision for a 300 yuan fine (plain text; --format html prints for A4) =="
	$(BIN)/fireenforce render examples/ebike-highrise.json --document penalty_decision --fine 300 --format text
	@echo "== the same decision as DOCX, to edit in Word or WPS (PDF: --format pdf) =="
	@mkdir -p build
	$(BIN)/fireenforce render examples/ebike-highrise.json --document penalty_decision --fine 300 --format docx --out build/penalty_decision.docx
	@echo "written: build/penalty_decision.docx"

system-packages:
	@command -v dpkg-query >/dev/null || { echo "not Debian: install $(SYSTEM_PACKAGES) or equivalents by hand"; exit 0; }; \
	missing=$$(for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	[ -z "$$missing" ] && exit 0; \
	sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	echo "installing" $$missing; \
	$$sudo $(APT) update -qq && DEBIAN_FRONTEND=noninteractive $$sudo $(APT) install -y -qq --no-install-recommends $$missing

test: $(STAMP) system-packages
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_decide.py
	$(BIN)/python benchmarks/bench_query.py
	$(BIN)/python benchmarks/bench_render.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
