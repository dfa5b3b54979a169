#!/usr/bin/env bash
# Make sure a private image registry (Debian's docker-registry, the CNCF distribution registry) answers on
# 127.0.0.1:$PYCOMPOSE_REGISTRY_PORT (5055), for the pull/push engine tests. Idempotent: an already running one
# is reused. Prints the address (`127.0.0.1:PORT`) on stdout; everything else goes to stderr.
#
# Loopback only, ever: the address is not configurable, only the port. The engine treats 127.0.0.0/8 registries
# as insecure by default, so plain HTTP works without touching the engine's configuration.
# The Debian service (systemd unit / init script, which would listen on :5000) is never enabled nor started:
# the package is installed with service starts denied, and we run our own process with our own config.
# The registry runs as a background daemon (setsid + nohup, all descriptors redirected) so that whoever runs
# this script does not wait for it; CI ends it with the job.
set -euo pipefail

PORT="${PYCOMPOSE_REGISTRY_PORT:-5055}"
ADDRESS="127.0.0.1:${PORT}"
STATE="${PYCOMPOSE_REGISTRY_DIR:-${TMPDIR:-/tmp}/pycompose-registry-${PORT}}"
BINARY="${PYCOMPOSE_REGISTRY_BIN:-docker-registry}"

log() { printf '[registry] %s\n' "$*" >&2; }

case "$PORT" in
  ''|*[!0-9]*) log "PYCOMPOSE_REGISTRY_PORT must be a port number, got '${PORT}'"; exit 2 ;;
esac

# 0: a distribution registry answers; 1: nothing answers; 2: something else holds the port
probe() {
  local headers
  headers="$(curl -s -m 2 -o /dev/null -D - "http://${ADDRESS}/v2/" 2>/dev/null)" || return 1
  if printf '%s' "$headers" | grep -qi '^docker-distribution-api-version: *registry/2'; then
    return 0
  fi
  return 2
}

ensure_binary() {
  if command -v "$BINARY" >/dev/null 2>&1; then
    return 0
  fi
  if [ "$BINARY" != docker-registry ]; then
    log "PYCOMPOSE_REGISTRY_BIN=${BINARY} is not an executable"
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    log "docker-registry is not installed and there is no apt-get to install it"
    return 1
  fi
  log "installing docker-registry (its service is not started)"
  # policy-rc.d exit 101 = "action forbidden": invoke-rc.d and deb-systemd-invoke then start nothing
  local policy=/usr/sbin/policy-rc.d ours=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 0755 "$policy" && ours=1
  fi
  local status=0
  {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
  } || status=$?
  if [ -n "$ours" ]; then rm -f "$policy"; fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    # the postinst enables the unit on systemd machines: undo that, the Debian service must never run
    systemctl disable --now docker-registry.service >/dev/null 2>&1 || true
  fi
  if [ "$status" -ne 0 ] || ! command -v "$BINARY" >/dev/null 2>&1; then
    log "could not install docker-registry (apt-get exit ${status})"
    return 1
  fi
}

state=1
if command -v curl >/dev/null 2>&1; then probe && state=0 || state=$?; fi
if [ "$state" -eq 0 ]; then
  log "registry already running at ${ADDRESS}"
  echo "$ADDRESS"
  exit 0
fi
if [ "$state" -eq 2 ]; then
  log "something that is not a registry answers on ${ADDRESS}; set PYCOMPOSE_REGISTRY_PORT to a free port"
  exit 1
fi

ensure_binary || exit 1
command -v curl >/dev/null 2>&1 || { log "curl is needed to check that the registry answers"; exit 1; }

mkdir -p "$STATE/data"
cat >"$STATE/config.yml" <<EOF
# written by scripts/registry.sh: loopback only, no auth, storage in this directory
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${STATE}/data
  delete:
    enabled: true
http:
  addr: ${ADDRESS}
  headers:
    X-Content-Type-Options: [nosniff]
EOF

log "starting ${BINARY} on ${ADDRESS} (state in ${STATE})"
# setsid: its own session, so a terminal's or test runner's signals do not reach it; no inherited descriptors
setsid nohup "$BINARY" serve "$STATE/config.yml" </dev/null >"$STATE/registry.log" 2>&1 &
echo $! >"$STATE/pid"

for _ in $(seq 1 100); do
  state=0
  probe || state=$?
  if [ "$state" -eq 0 ]; then
    log "registry up at ${ADDRESS} (pid $(cat "$STATE/pid"))"
    echo "$ADDRESS"
    exit 0
  fi
  if ! kill -0 "$(cat "$STATE/pid")" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
log "the registry did not come up on ${ADDRESS}; its log:"
tail -n 40 "$STATE/registry.log" >&2 || true
exit 1
