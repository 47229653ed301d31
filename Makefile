# Shebao — every set-up step lives here, so a fresh machine needs only Python, make and apt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: demo test bench install sysdeps messages lint typecheck pytest pytest-sqlite pytest-postgres clean

install: $(STAMP) sysdeps messages

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# System packages: CJK fonts for the PDF service guides (WeasyPrint), gettext-free i18n via polib.
sysdeps:
	@if ! fc-list 2>/dev/null | grep -q 'Noto Sans CJK'; then \
	  echo "Installing fonts-noto-cjk (Chinese fonts for PDFs)"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null; \
	fi

messages: $(STAMP)
	@$(PY) scripts/compilemessages.py

demo: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py demo_seed
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy shebao

pytest-sqlite: install
	$(VENV)/bin/pytest

pytest-postgres: install
	scripts/with_postgres.sh $(VENV)/bin/pytest

test: install lint pytest-sqlite pytest-postgres

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var staticfiles
