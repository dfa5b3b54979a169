#!/usr/bin/env bash
# No registry is reachable here: build the local images tests and quick samples use.
#   busybox:latest  — imported from Debian's static busybox (/bin/busybox plus its applet links)
# Idempotent: an image that already exists is left alone.
set -euo pipefail

log() { printf '[images] %s\n' "$*" >&2; }

if ! docker image inspect busybox:latest >/dev/null 2>&1; then
  if [ ! -x /bin/busybox ] || ! /bin/busybox --list >/dev/null 2>&1; then
    log "installing busybox-static"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq busybox-static >/dev/null
  fi
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/bin "$root"/tmp "$root"/etc "$root"/root "$root"/var/www
  cp /bin/busybox "$root"/bin/busybox
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  chmod 1777 "$root"/tmp
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root"/etc/passwd
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root"/etc/group
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - busybox:latest >/dev/null
  log "imported busybox:latest"
else
  log "busybox:latest present"
fi
