#!/usr/bin/env bash
# Make sure a Docker engine answers on /var/run/docker.sock (or $DOCKER_HOST), installing and
# starting one where none runs. Idempotent; safe to run on a machine that already has an engine.
set -euo pipefail

log() { printf '[engine] %s\n' "$*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }

if ! command -v docker >/dev/null 2>&1 || ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io >/dev/null
fi

if engine_answers; then
  log "engine already running"
  exit 0
fi

log "starting dockerd"
mkdir -p /var/log
nohup dockerd >/var/log/pycompose-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  if engine_answers; then
    log "engine up: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
    exit 0
  fi
  sleep 1
done
log "dockerd did not come up; its log:"
tail -n 40 /var/log/pycompose-dockerd.log >&2 || true
exit 1
