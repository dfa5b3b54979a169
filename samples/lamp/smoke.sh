#!/usr/bin/env bash
# End-to-end check of the LAMP sample, with any Compose implementation:
#   samples/lamp/smoke.sh                          # uses docker-compose (the reference)
#   COMPOSE="pycompose" samples/lamp/smoke.sh      # uses pycompose
# Builds and starts the stack (project "lampcheck", port $LAMP_HTTP_PORT or 8081), checks that the
# visit counter read from MariaDB increases, writes a note, `down` + `up` and reads it back,
# `down -v` + `up` and sees it gone. Always ends with `down -v`. Prints timings.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
read -r -a compose <<<"${COMPOSE:-docker-compose}"
project=${LAMP_PROJECT:-lampcheck}
port=${LAMP_HTTP_PORT:-8081}
export LAMP_HTTP_PORT=$port
c() { "${compose[@]}" -f "$here/compose.yaml" -p "$project" "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
get() { if command -v curl >/dev/null; then curl -fsS "http://127.0.0.1:$port$1"; else wget -qO- "http://127.0.0.1:$port$1"; fi; }
fail() { echo "FAIL: $*" >&2; c logs --no-color --tail 30 >&2 || true; exit 1; }
say() { printf '[lamp] %s\n' "$*"; }
trap 'c down -v --remove-orphans >/dev/null 2>&1 || true' EXIT

docker image inspect debian:bookworm-slim >/dev/null 2>&1 || fail "no debian:bookworm-slim: run scripts/seed-debian.sh"
c down -v --remove-orphans >/dev/null 2>&1 || true

t=$(now); c build >/dev/null 2>&1 || fail "build"; say "build: $(since "$t")s"
t=$(now); c up -d --wait >/dev/null 2>&1 || fail "up --wait"; say "up --wait (healthy): $(since "$t")s"

v1=$(get / | sed -n 's/^visits: //p'); v2=$(get / | sed -n 's/^visits: //p')
# shellcheck disable=SC2015
[ -n "$v1" ] && [ "${v2:-0}" -gt "$v1" ] || fail "visits did not increase ($v1 -> $v2)"
say "visits: $v1 -> $v2"
note="note-$$-$RANDOM"
get "/?note=$note" | grep -qx "stored: $note" || fail "storing a note"
get /notes | grep -qx "$note" || fail "note not listed"
say "stored $note"

t=$(now); c down >/dev/null 2>&1 || fail "down"; say "down: $(since "$t")s"
t=$(now); c up -d --wait >/dev/null 2>&1 || fail "second up"; say "up --wait (existing data): $(since "$t")s"
get /notes | grep -qx "$note" || fail "note lost across down/up"
v3=$(get / | sed -n 's/^visits: //p'); [ "$v3" -gt "$v2" ] || fail "visits reset across down/up ($v3)"
say "after down/up: note still there, visits: $v3"

t=$(now); c down -v >/dev/null 2>&1 || fail "down -v"; say "down -v: $(since "$t")s"
t=$(now); c up -d --wait >/dev/null 2>&1 || fail "third up"; say "up --wait (fresh volume): $(since "$t")s"
[ -z "$(get /notes)" ] || fail "notes survived down -v"
[ "$(get / | sed -n 's/^visits: //p')" = 1 ] || fail "visits not reset by down -v"
say "after down -v/up: no notes, visits: 1"
say "OK"
