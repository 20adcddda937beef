# The README's two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
STAMP := $(VENV)/.installed

.PHONY: messages demo-code run test test-pg test-prod screenshots bench lint fmt migration setup db demo-account translations browsers clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP) translations

# The browser tests use the system Chromium when there is one, else Playwright's own download.
browsers: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		test -f $(VENV)/.playwright-browser || \
		($(BIN)/playwright install chromium && touch $(VENV)/.playwright-browser)

translations: $(STAMP)
	@$(BIN)/pybabel -q compile -d app/translations

db: setup
	$(FLASK) db upgrade
	@$(FLASK) settings show >/dev/null  # stores the clinic settings' version 1 on a new database

demo-account: db
	@$(FLASK) users demo
	@$(FLASK) demo seed --count 200 --if-empty

# Re-extract messages after changing text; then translate the new Spanish entries.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --project=Prescreen --copyright-holder=Prescreen \
		--add-comments=TRANSLATORS: --sort-by-file -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --ignore-obsolete
	$(BIN)/python app/translations/copy_english.py

demo-code: setup
	@$(FLASK) users demo-code

# The job worker (alerts, emails, re-evaluation) runs beside the web server and stops with it.
run: demo-account
	@trap 'kill 0' INT TERM EXIT; $(FLASK) worker & $(FLASK) run --host 127.0.0.1 --port 5000

# A test run changes no tracked file: its screenshots go to tests/screenshots/ (ignored).
test: setup browsers
	$(BIN)/pytest

# The README's pictures (docs/screenshots), taken by the walk over every page.
screenshots: setup browsers
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/browser/test_every_page.py

# The database tests again on PostgreSQL (CI has a server on 127.0.0.1).
test-pg: setup
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -m "db or redis"

# The production stack from deploy/: nginx with TLS, two gunicorn servers, the job worker,
# PostgreSQL (a fresh database on TEST_DATABASE_URL's server) and Redis (PROD_REDIS_URL).
test-prod: setup browsers
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
		$(BIN)/pytest -m prod tests/prod

bench: setup
	$(BIN)/python -m bench

# mypy checks all of app/ (pyproject.toml); these also under --strict.
STRICT := app/rules app/questionnaire app/extensions.py app/sqlite_locking.py \
	app/session_cookie.py app/i18n.py app/checkpoints.py app/crypto.py \
	app/drafts.py app/submissions.py app/review/workflow.py app/review/operations.py \
	app/review/search.py app/review/queries.py app/review/submission_page.py \
	app/review/reports.py app/review/demo.py app/review/demo_answers.py

lint: setup
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/mypy
	$(BIN)/mypy --strict --follow-imports=silent $(STRICT)

fmt: setup
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench

migration: setup
	$(FLASK) db migrate -m "$(m)"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
