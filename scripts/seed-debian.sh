#!/usr/bin/env bash
# No registry is reachable here: build a local stand-in for debian:bookworm-slim, the base image the
# sample Dockerfiles (samples/lamp) start FROM.
#
#   debootstrap --variant=minbase bookworm, from the Debian mirror apt on this machine already uses
#   (read from /etc/apt/sources.list and /etc/apt/sources.list.d/*), slimmed and configured the way the
#   official image is (no docs/man/locales, no services started by package installs, no apt caches),
#   then `docker import`ed with ENV PATH and CMD ["bash"].
#
# Idempotent: when the image already exists nothing is done (SEED_FORCE=1 rebuilds it).
# Settings (environment):
#   SEED_IMAGE      image to create              (default debian:bookworm-slim)
#   SEED_SUITE      Debian suite                 (default bookworm)
#   DEBIAN_MIRROR   mirror URL                   (default: the one apt uses here)
#   SEED_FORCE=1    rebuild even if the image exists
#   APT_ETC         where to read apt sources   (default /etc/apt; for tests)
# Needs root (debootstrap) and a running Docker engine.
set -euo pipefail

IMAGE=${SEED_IMAGE:-debian:bookworm-slim}
SUITE=${SEED_SUITE:-bookworm}

log() { printf '[seed-debian] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

t_start=$(now)

exists() { docker image inspect "$IMAGE" >/dev/null 2>&1; }

if [ "${SEED_FORCE:-0}" != 1 ] && exists; then
  log "$IMAGE present, nothing to do"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap needs it)"
docker info >/dev/null 2>&1 || die "docker engine not reachable"

# Serialise concurrent runs (CI jobs, two engineers): the second one waits, then finds the image.
lockfile=/var/lock/pycompose-seed-debian.lock
exec 9>"$lockfile"
if ! flock -n 9; then
  log "another seed is running; waiting for it"
  flock 9
fi
if [ "${SEED_FORCE:-0}" != 1 ] && exists; then
  log "$IMAGE present (built by the other run), nothing to do"
  exit 0
fi

# --- which mirror does apt use here? --------------------------------------------------------------
# Prints the first enabled "deb" URI whose suites include $SUITE, from one-line (*.list) and deb822
# (*.sources) files. Files apt ignores (other extensions, e.g. *.disabled) are ignored here too.
find_mirror() {
  local files=() f
  local etc=${APT_ETC:-/etc/apt}
  [ -f "$etc/sources.list" ] && files+=("$etc/sources.list")
  for f in "$etc"/sources.list.d/*.list "$etc"/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 1
  for f in "${files[@]}"; do
    case $f in
      *.sources)
        # deb822: stanzas separated by blank lines; Types/URIs/Suites/Enabled fields.
        awk -v suite="$SUITE" '
          function flush() {
            if (types ~ /(^| )deb( |$)/ && enabled !~ /^(no|false)$/ && (" " suites " ") ~ (" " suite " ") && uris != "") {
              split(uris, u, " "); print u[1]; found = 1; exit
            }
            types = ""; uris = ""; suites = ""; enabled = ""
          }
          /^[ \t]*#/ { next }
          /^[ \t]*$/ { flush(); next }
          {
            line = $0; sub(/^[^:]*:[ \t]*/, "", line); gsub(/[ \t]+/, " ", line)
            key = tolower($1)
            if (key == "types:") types = line
            else if (key == "uris:") uris = line
            else if (key == "suites:") suites = line
            else if (key == "enabled:") enabled = tolower(line)
          }
          END { if (!found) flush() }' "$f"
        ;;
      *)
        # one-line: deb [options] URI suite components...
        awk -v suite="$SUITE" '
          /^[ \t]*deb[ \t]/ {
            sub(/^[ \t]*deb[ \t]+/, "")
            if ($0 ~ /^\[/) sub(/^\[[^]]*\][ \t]*/, "")
            if ($2 == suite) { print $1; exit }
          }' "$f"
        ;;
    esac
  done | head -n 1
}

# Same, for the security suite (optional: used only if apt here has one).
find_security() { SUITE="$SUITE-security" find_mirror; }

MIRROR=${DEBIAN_MIRROR:-$(find_mirror || true)}
[ -n "$MIRROR" ] || die "no 'deb ... $SUITE' source in /etc/apt/sources.list*; set DEBIAN_MIRROR"
MIRROR=${MIRROR%/}
SECURITY=$(find_security || true)
SECURITY=${SECURITY%/}
log "mirror: $MIRROR${SECURITY:+ (security: $SECURITY)}"

# --- debootstrap ----------------------------------------------------------------------------------
if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap"
  t=$(now)
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap debian-archive-keyring; } \
    >/var/tmp/seed-debian-apt.log 2>&1; then
    tail -n 20 /var/tmp/seed-debian-apt.log >&2
    die "installing debootstrap failed"
  fi
  rm -f /var/tmp/seed-debian-apt.log
  log "debootstrap installed in $(since "$t")s"
fi

root=$(mktemp -d /var/tmp/seed-debian.XXXXXX)
cleanup() {
  # debootstrap mounts /proc and /sys inside the root; never rm -rf through a live mount.
  awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$root" "$root.log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

keyring=()
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] &&
  keyring=(--keyring=/usr/share/keyrings/debian-archive-keyring.gpg)

log "debootstrap --variant=minbase $SUITE (takes about a minute)"
t=$(now)
if ! debootstrap --variant=minbase "${keyring[@]}" "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1; then
  tail -n 30 "$root.log" >&2
  [ -f "$root/debootstrap/debootstrap.log" ] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
  rm -f "$root.log"
  die "debootstrap failed"
fi
rm -f "$root.log"
log "debootstrap done in $(since "$t")s"

# --- make it look like the official slim image ----------------------------------------------------
t=$(now)
# apt sources: the same mirror apt uses on this machine.
{
  echo "deb $MIRROR $SUITE main"
  echo "deb $MIRROR $SUITE-updates main"
  [ -n "$SECURITY" ] && echo "deb $SECURITY $SUITE-security main"
} >"$root/etc/apt/sources.list"
rm -f "$root"/etc/apt/sources.list.d/*

# Package installs during `docker build` must not try to start services.
printf '#!/bin/sh\n# no services started by package installs inside containers\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"

# Faster dpkg, no docs/man/locales in later installs (as the -slim image), no apt caches, no translations.
echo 'force-unsafe-io' >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# slim image: drop documentation, man pages and translations (copyright files are kept)
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<EOF
DPkg::Post-Invoke { $clean };
APT::Update::Post-Invoke { $clean };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
echo 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"

# Remove what the slim image does not ship, and host/engine-managed files.
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$root"/usr/share/{groff,info,linda,locale,man}/* "$root"/usr/share/lintian/overrides/*
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/var/cache/apt/archives/partial/* "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old \
  "$root"/tmp/* "$root"/var/tmp/* "$root"/root/.bash_history "$root"/debootstrap
find "$root/var/log" -type f -delete
mkdir -p "$root"/var/lib/apt/lists/partial "$root"/var/cache/apt/archives/partial
: >"$root/etc/resolv.conf"          # the engine bind-mounts its own
: >"$root/etc/hostname"
rm -f "$root/etc/machine-id" && : >"$root/etc/machine-id"
log "configured in $(since "$t")s"

# --- import -------------------------------------------------------------------------------------
t=$(now)
docker image rm -f "$IMAGE" >/dev/null 2>&1 || true
tar --numeric-owner --xattrs -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["bash"]' \
  --change "LABEL org.pycompose.seeded-from=$MIRROR org.pycompose.suite=$SUITE" \
  --message "seeded by scripts/seed-debian.sh (debootstrap --variant=minbase $SUITE)" \
  - "$IMAGE" >/dev/null
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
log "imported $IMAGE ($((size / 1000000)) MB) in $(since "$t")s"
log "total $(since "$t_start")s"
