# parindex — `make run` serves the demo on http://127.0.0.1:8000, `make test` runs lint and the test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test install install-test bench bench-import bench-public clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# A per-installation secret key, created once and never committed.
.env: | $(BIN)/python
	@$(BIN)/python -c "import secrets; print('SECRET_KEY=' + secrets.token_urlsafe(50))" > .env
	@echo "DEBUG=false" >> .env
	@echo "Đã tạo .env với SECRET_KEY riêng cho bản cài đặt này."

run: install .env
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	@echo "Trang công khai: http://127.0.0.1:$(PORT)/   Quản trị: http://127.0.0.1:$(PORT)/quan-tri/"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=insecure-key-for-tests-only $(BIN)/python -m pytest --cov --cov-report=term:skip-covered $(PYTEST_ARGS)
	$(BIN)/python -m coverage report --include=scoring/calculator.py --fail-under=100 --show-missing

bench: install
	SECRET_KEY=insecure-key-for-bench-only $(BIN)/python bench/recompute.py $(BENCH_ARGS)

bench-import: install
	SECRET_KEY=insecure-key-for-bench-only $(BIN)/python bench/survey_import.py $(BENCH_ARGS)

bench-public: install
	SECRET_KEY=insecure-key-for-bench-only $(BIN)/python bench/public_pages.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .coverage
