# DRiVE: `make run` serves the demo on http://127.0.0.1:8000 (`make run PORT=8001` on
# another port), `make test` runs everything.
# Every target creates the virtual environment first; it is rebuilt when pyproject.toml changes.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/drive_bench
BENCH_ROWS ?= 1000000
# `make run PORT=8001`: where the demo is served; printed and e-mailed links use the same
# address (SITE_URL) unless SITE_URL is given too.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
BENCH_SUPPLIERS ?= 10000
BENCH_ENROLMENTS ?= 1000

# Playwright drives Debian's Chromium (/usr/bin/chromium); it must never fetch a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: venv run test lint chromium fonts redis bench worker clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: migrate the SQLite database, load the demo and serve on http://127.0.0.1:$(PORT) (PORT=8000)
run: export SITE_URL := $(SITE_URL)
run: venv fonts
	DRIVE_ENV=development $(PY) manage.py migrate --no-input
	@if [ ! -d drive/locale ]; then \
		echo "No translations in drive/locale yet: pages are in English."; \
	elif command -v msgfmt >/dev/null; then \
		DRIVE_ENV=development $(PY) manage.py compilemessages --ignore '$(VENV)' --ignore bench -v 0; \
	else \
		echo "gettext's msgfmt not found: using the compiled translations in drive/locale."; \
	fi
	DRIVE_ENV=development $(PY) manage.py load_reference_data
	DRIVE_ENV=development $(PY) manage.py load_demo
	DRIVE_ENV=development $(PY) manage.py runserver 127.0.0.1:$(PORT)

## test: lint (ruff, the layer contracts of docs/architecture.md), migration check, then the whole suite (browser and Redis tests included)
test: venv chromium fonts redis lint
	DRIVE_ENV=test $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n 2 --dist loadfile -q

lint: venv
	$(VENV)/bin/ruff check drive bench
	$(VENV)/bin/ruff format --check drive bench conftest.py
	DRIVE_ENV=test $(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

## chromium: Debian's Chromium for the browser tests (installed when missing and allowed)
chromium:
	@if [ -x /usr/bin/chromium ]; then exit 0; fi; \
	echo "Chromium is missing: installing Debian's chromium package for the browser tests."; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "Cannot install packages here. Please run:  sudo apt-get install -y chromium"; \
		echo "(Debian's package; the browser tests launch /usr/bin/chromium)"; \
		exit 1; \
	fi

## fonts: a CJK font for feedback PDFs (WeasyPrint finds "WenQuanYi Micro Hei" by name)
fonts:
	@if fc-list 2>/dev/null | grep -qi -e "WenQuanYi Micro Hei" -e "Noto Sans CJK"; then exit 0; fi; \
	echo "No CJK font: installing Debian's fonts-wqy-microhei so PDFs show Chinese."; \
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei; \
	else \
		echo "Cannot install packages here. Please run:  sudo apt-get install -y fonts-wqy-microhei"; \
		echo "(or fonts-noto-cjk; feedback PDFs need a CJK font to render Chinese)"; \
		exit 1; \
	fi

## redis: the worker tests need Redis on 127.0.0.1:6379; start it when installed but stopped
redis: venv
	@if $(PY) -c "import redis; redis.Redis(socket_connect_timeout=2).ping()" 2>/dev/null; then exit 0; fi; \
	if ! command -v redis-server >/dev/null; then \
		echo "Redis is not running and not installed. Please run:  sudo apt-get install -y redis-server"; \
		exit 1; \
	fi; \
	dir=/var/lib/redis; [ -w $$dir ] || dir=$${TMPDIR:-/tmp}; \
	log=/var/log/redis/ci.log; [ -w $$(dirname $$log) ] || log=$$dir/drive-redis.log; \
	echo "Starting Redis on 127.0.0.1:6379"; \
	redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
		--dir $$dir --logfile $$log; \
	for i in $$(seq 1 50); do \
		$(PY) -c "import redis; redis.Redis().ping()" 2>/dev/null && exit 0; sleep 0.1; \
	done; \
	echo "Redis did not start; see $$log"; exit 1

## bench: on demand, never in make test: pages, rescoring and throughput at BENCH_SUPPLIERS
## suppliers (bench/scale_bench.py, results in bench/results/), then the import benchmark
bench: venv
	$(PY) bench/scale_bench.py --suppliers $(BENCH_SUPPLIERS) --enrolments $(BENCH_ENROLMENTS)
	$(PY) bench/import_bench.py --rows $(BENCH_ROWS) --database-url $(PG_URL)
	$(PY) bench/certificates_bench.py --certificates 1000 --workers 2 --database-url $(PG_URL)_certificates

## worker: a production background-task worker (RQ on REDIS_URL); the web side needs TASKS_BACKEND=rq
worker: venv
	TASKS_BACKEND=rq $(PY) manage.py worker

clean:
	rm -rf $(VENV) staticfiles test-results
