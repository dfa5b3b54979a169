#!/usr/bin/env bash
# The one command that passes the tests on a fresh machine (what CI runs): the built wheel installed into a
# virtualenv, a Docker engine, local test images; then the linters, the wheel smoke test (installed `pycompose` and
# pytest plugin, in a fresh virtualenv), and the whole suite (unit, conformance and engine tests) against the
# installed package. Arguments go to pytest: `bash scripts/test.sh -m "not docker"`, `bash scripts/test.sh tests/unit`.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PYCOMPOSE_VENV:-.venv}

bash scripts/bootstrap.sh
bash scripts/engine.sh
bash scripts/seed-images.sh
PYCOMPOSE_VENV=$venv bash scripts/lint.sh
if [ $# -eq 0 ]; then
  bash scripts/smoke-wheel.sh
fi

export PYTHONDONTWRITEBYTECODE=1
# `bin/pytest`, not `python -m pytest`: the latter puts this folder on sys.path, and the tests would import the
# source tree instead of the installed wheel (tests/conftest.py reports which one it is, and refuses the source
# tree when PYCOMPOSE_TEST_INSTALLED=1).
export PYCOMPOSE_TEST_INSTALLED=1
pytest=("$venv/bin/pytest" -q -p no:cacheprovider)
if [ $# -gt 0 ]; then
  exec "${pytest[@]}" "$@"
fi
# 1. Collection, in-process: every tests/**/test_*.py collected (tests/conftest.py fails the run otherwise).
"${pytest[@]}" --collect-only | tail -n 4
# 2. Everything that can share the engine, a test file per xdist worker at a time (engine tests mostly wait on
#    containers: more workers than cores pays). 3. The `serial` tests alone (exit code 5: none selected).
workers=${PYCOMPOSE_TEST_WORKERS:-4}
status=0
# Beside them, the differential suite's lifecycle scenarios against Compose v2 when it is installed (the whole
# suite, `bash scripts/differential.sh`, takes about half an hour: too long for every run). Its score is reported,
# not enforced, until pycompose passes every step (issue #10); the script says plainly when v2 is absent.
differential_log=$(mktemp)
PYCOMPOSE_VENV=$venv bash scripts/differential.sh --only '^(ex|lc)' -j 2 > "$differential_log" 2>&1 &
differential=$!
"${pytest[@]}" -n "$workers" --dist loadfile -m "not serial" || status=$?
wait "$differential" || true
echo "--- differential suite (lifecycle scenarios) against Compose v2:"
grep -E '^(differential.sh:|behaviour-conformance:|  \S.*FAIL$)' "$differential_log" || tail -n 5 "$differential_log"
rm -f "$differential_log"
"${pytest[@]}" -m serial || { code=$?; [ "$code" -eq 5 ] || status=$code; }
exit "$status"
