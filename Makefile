# Two commands on a fresh machine: `make run` and `make test`.
# Each creates the virtualenv in .venv when it is missing (Python 3.11+ as python3).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint eval eval-needs-shared bench check clean

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,semantic]'
	# Bytecode for the project's own modules: where PYTHONDONTWRITEBYTECODE is set (containers,
	# CI) every start would compile ~70 modules again (+0.3 s per `policybot chat`, measured).
	$(BIN)/python -m compileall -q bot.py knowledge eligibility dialog >/dev/null
	touch $@

# make run PORT=8090 (another port), make run WORKERS=2 (needs POLICYBOT_DB=postgresql://…)
run: $(BIN)/.installed
	$(BIN)/policybot run $(if $(PORT),--port $(PORT)) $(if $(WORKERS),--workers $(WORKERS))

test: $(BIN)/.installed
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .

check: $(BIN)/.installed
	$(BIN)/policybot check

# The eval sets and their scorer are not in this repository: they are the shared folder next to
# it (../shared, or make eval SHARED=/path/to/shared). Checked first, before any install.
SHARED ?= ../shared

eval-needs-shared:
	@test -f "$(SHARED)/eval/score.py" -a -f "$(SHARED)/eval/dev_questions.yaml" || { \
	  echo "make eval 需要共享的评测材料，但没有找到 $(SHARED)/eval/score.py 和 dev_questions.yaml。" >&2; \
	  echo "请把 shared 文件夹放在项目旁边（../shared），或这样指定：make eval SHARED=/路径/shared" >&2; \
	  echo "(the eval sets and the scorer are not part of this repository; make test runs without them)" >&2; \
	  exit 2; }

eval: eval-needs-shared $(BIN)/.installed
	$(BIN)/python "$(SHARED)/eval/score.py" "$(SHARED)/eval/dev_questions.yaml" --cmd "$(BIN)/policybot ask --json --batch" --show-misses

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/bench_answer.py

clean:
	rm -rf $(VENV) build *.egg-info
