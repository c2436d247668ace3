# Carrefour — `make demo` runs the platform locally; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONPATH := src
export DJANGO_SETTINGS_MODULE := carrefour.config.settings

.PHONY: demo test lint messages bench bench-stats bench-web install install-dev assets lock serve worker clean

# Python packages, from the lock file (hashes checked); re-run only when the lock changes.
$(VENV)/.installed-base: requirements/base.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements/base.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.lock $(VENV)/.installed-base
	$(PIP) install --quiet --require-hashes -r requirements/dev.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

build/static/vendor/gcds.css: node_modules/.installed scripts/build_assets.py
	$(PY) scripts/build_assets.py

install: $(VENV)/.installed-base assets
install-dev: $(VENV)/.installed-dev assets
assets: $(VENV)/.installed-base build/static/vendor/gcds.css

var:
	mkdir -p var

demo: install var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) scripts/compile_messages.py
	$(PY) manage.py load_demo
	@echo ""
	@echo "Carrefour is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@echo "Demo accounts (password carrefour-demo-2026): admin@carrefour.example, amelie.tremblay@canada.ca, citizen@example.org"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py db_worker --queue-name default & \
	  $(VENV)/bin/gunicorn --config gunicorn.conf.py carrefour.config.wsgi:application --bind $(HOST):$(PORT) --access-logfile - ; \
	  wait

test: install-dev
	$(PY) scripts/compile_messages.py
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/mypy --strict src/carrefour/stats

messages: install-dev
	$(PY) scripts/make_messages.py

bench: install-dev bench-stats
	$(PY) bench/platform_bench.py
	$(PY) bench/experiments_upload_bench.py

bench-stats: install-dev
	$(PY) bench/stats_bench.py $(BENCH_ARGS)

# Pages at 10,000 initiatives and 1,000 experiments (issue 11): PostgreSQL database carrefour_bench
# on 127.0.0.1, gunicorn with 2 workers, wrk on loopback. BENCH_WEB_SECONDS per page (default 10).
bench-web: install-dev
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y wrk)
	$(PY) bench/web_bench.py $(if $(BENCH_WEB_SECONDS),--seconds $(BENCH_WEB_SECONDS)) $(BENCH_ARGS)

lock:
	cd requirements && uv pip compile --python-version 3.11 --generate-hashes base.in -o base.lock -q \
	  && uv pip compile --python-version 3.11 --generate-hashes dev.in -o dev.lock -q

clean:
	rm -rf build var .pytest_cache
