# Shebao — every set-up step lives here, so a fresh machine needs only Python, make and apt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: demo test bench install sysdeps sysdeps-browser messages lint typecheck pytest pytest-sqlite pytest-postgres clean

install: $(STAMP) sysdeps messages

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "Installing python3-venv"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# System packages from Debian: CJK fonts for the PDF service guides (WeasyPrint); Chromium for the
# browser tests. i18n needs no GNU gettext (scripts/compilemessages.py uses polib).
APT_UPDATED := $(VENV)/.apt-updated
define apt_install
	@test -f $(APT_UPDATED) || { $(SUDO) apt-get update -qq && mkdir -p $(VENV) && touch $(APT_UPDATED); }
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(1) >/dev/null
endef

sysdeps:
	@fc-list 2>/dev/null | grep -q 'Noto Sans CJK' || echo "Installing fonts-noto-cjk (Chinese fonts for PDFs)"
	$(if $(shell fc-list 2>/dev/null | grep -q 'Noto Sans CJK' || echo missing),$(call apt_install,fonts-noto-cjk fontconfig))

sysdeps-browser:
	$(if $(wildcard /usr/bin/chromium),,$(call apt_install,chromium))

messages: $(STAMP)
	@$(PY) scripts/compilemessages.py

demo: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py demo_seed
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy shebao

pytest-sqlite: install sysdeps-browser
	$(VENV)/bin/pytest

pytest-postgres: install
	scripts/with_postgres.sh $(VENV)/bin/pytest

test: install lint pytest-sqlite pytest-postgres

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var staticfiles
