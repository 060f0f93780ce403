#!/usr/bin/env bash
# The project's test command: lint, format check, strict type check, then the test suite.
# Expects the virtual environment made by .ci/run (or pass VENV=path). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${VENV:-.venv}/bin
"$bin/ruff" check src tests benchmarks scripts
"$bin/ruff" format --check src tests benchmarks scripts
"$bin/mypy"
"$bin/python" -m pytest "$@"
