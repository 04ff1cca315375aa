# Two commands on a fresh machine: `make run` and `make test`.
# Each creates the virtualenv in .venv when it is missing (Python 3.11+ as python3).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint eval bench check clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,semantic]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/policybot run

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .

check: $(BIN)/.installed
	$(BIN)/policybot check

eval: $(BIN)/.installed
	$(BIN)/python ../shared/eval/score.py ../shared/eval/dev_questions.yaml --cmd "$(BIN)/policybot ask --json --batch" --show-misses

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_answer.py

clean:
	rm -rf $(VENV) build *.egg-info
