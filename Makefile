# The README's two commands are `make run` and `make test`; the rest are their steps.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: screenshots run test setup data admin lint bench bench-weight bench-load bench-ingest clean vendor-plotly score score-heldout score-heldout2 score-heldout3 score-heldout4 score-heldout5

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

data: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_initial_data

admin: setup
	$(PY) manage.py ensure_admin --host $(HOST) --port $(PORT)

run: data admin
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Extraction accuracy on ../shared/eval (in-process; SCORE_ARGS=--subprocess runs the shared scorer itself).
score: setup
	$(PY) manage.py score_extraction $(SCORE_ARGS)

# The same scorer on tests/data/heldout: articles written for the tests; the extractor has been tuned on them.
SCORER ?= ../shared/eval/score.py
score-heldout: setup
	@test -f $(SCORER) || { echo "scorer not found at $(SCORER); set SCORER=path/to/score.py"; exit 1; }
	python3 $(SCORER) -v --labels tests/data/heldout/labels.json --cmd '$(PY) manage.py extract {file} --json'

# Later held-out sets, each written by someone who never read the extractor. Sets 2 to 4 have since been used to
# find weak spots; set 5 is the clean measure. Do not tune on it.
score-heldout2: setup
	@test -f $(SCORER) || { echo "scorer not found at $(SCORER); set SCORER=path/to/score.py"; exit 1; }
	python3 $(SCORER) --labels tests/data/heldout2/labels.json --cmd '$(PY) manage.py extract {file} --json'

score-heldout3: setup
	@test -f $(SCORER) || { echo "scorer not found at $(SCORER); set SCORER=path/to/score.py"; exit 1; }
	python3 $(SCORER) --labels tests/data/heldout3/labels.json --cmd '$(PY) manage.py extract {file} --json'

score-heldout4: setup
	@test -f $(SCORER) || { echo "scorer not found at $(SCORER); set SCORER=path/to/score.py"; exit 1; }
	python3 $(SCORER) --labels tests/data/heldout4/labels.json --cmd '$(PY) manage.py extract {file} --json'

score-heldout5: setup
	@test -f $(SCORER) || { echo "scorer not found at $(SCORER); set SCORER=path/to/score.py"; exit 1; }
	python3 $(SCORER) --labels tests/data/heldout5/labels.json --cmd '$(PY) manage.py extract {file} --json'

screenshots: setup
	UPDATE_README_SCREENSHOTS=1 $(PY) -m pytest tests/test_browser.py -q

# Pages render hashed static names: collect them first, or every page fails on a missing manifest entry.
bench: setup
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py bench $(BENCH_ARGS)

# Bytes the browser transfers for the overview and a partner page, first and repeat visit (Debian chromium).
bench-weight: setup
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py bench_weight $(BENCH_WEIGHT_ARGS)

# gunicorn under wrk on loopback: requests/s and latency of the busiest partner's page.
bench-load: setup
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py bench_load $(BENCH_LOAD_ARGS)

# Extraction rate on one core, then articles through intake and two Celery workers (PostgreSQL and REDIS_URL).
bench-ingest: setup
	$(PY) manage.py bench_ingest --cleanup $(BENCH_INGEST_ARGS)

# plotly.js is committed under static/vendor/plotly/: a bundle of only the trace types the charts use, at the
# plotly.js version the Python package ships. This rebuilds it from the npm registry (see tools/plotly-bundle).
vendor-plotly:
	cd tools/plotly-bundle && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
