#!/usr/bin/env bash
# What a new user does: install the built wheel (not editable) into a fresh virtualenv, then run the installed
# `pycompose` and pytest plugin on a copy of samples/hello, away from this source tree. Needs a Docker engine and
# busybox:latest (scripts/engine.sh, scripts/seed-images.sh). Run by scripts/test.sh, so by CI on every stop.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$PWD
log() { printf '[smoke] %s\n' "$*" >&2; }

work=$(mktemp -d)
project="smoke-$$"
cleanup() {
  "$work/venv/bin/pycompose" -p "$project" down -v -t 1 >/dev/null 2>&1 || true
  ids=$(docker ps -aq --filter "label=com.docker.compose.project=$project")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

rm -rf "$work/dist"
python3 -m pip wheel -q --disable-pip-version-check --no-deps -w "$work/dist" . >/dev/null
wheel=$(ls "$work"/dist/pycompose-*.whl)
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" pytest
log "installed $(basename "$wheel") into a fresh virtualenv"

cp -r samples/hello "$work/hello"
cd "$work/hello"
where=$("$work/venv/bin/python" -c 'import pycompose, os; print(os.path.dirname(pycompose.__file__))')
case "$where" in "$here"*) log "pycompose was imported from the source tree ($where), not the wheel"; exit 1 ;; esac

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export HELLO_PORT=$port
pc=("$work/venv/bin/pycompose" -p "$project")

"${pc[@]}" up -d --wait
"${pc[@]}" ps --format json | grep -q '"State":"running"'
[ "$("${pc[@]}" ps -q | wc -l)" -eq 2 ] || { log "ps: expected 2 containers"; exit 1; }
python3 - "$port" <<'PY'
import sys, urllib.request
body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/site/index.html", timeout=10).read()
assert b"Hello" in body, body
PY
"${pc[@]}" logs writer | grep -q 'writer-1  | '
[ "$("${pc[@]}" exec -T writer cat /proc/1/cmdline | tr '\0' ' ')" != "" ]
"${pc[@]}" exec -T writer sh -c 'test -s /data/notes.txt'
"${pc[@]}" down -v
[ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$project")" ] || { log "down left containers"; exit 1; }
! docker volume inspect "${project}_notes" >/dev/null 2>&1 || { log "down -v left the volume"; exit 1; }
log "CLI: up -d --wait, ps, logs, exec, down -v: ok"

cat > test_smoke_plugin.py <<'PY'
import urllib.request

import pytest


@pytest.mark.pycompose("compose.yaml")
def test_page(pycompose):
    host, port = pycompose.endpoint("web", 8080)
    assert b"Hello" in urllib.request.urlopen(f"http://{host}:{port}/site/index.html", timeout=10).read()
    code, output = pycompose.exec("writer", ["cat", "/data/notes.txt"])
    assert code == 0 and output.strip()
PY
HELLO_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') \
  "$work/venv/bin/python" -m pytest -q -p no:cacheprovider test_smoke_plugin.py
log "pytest plugin (installed entry point): ok"
