#!/bin/bash
# Entrypoint in the style of the official mariadb image:
#   - on first start (empty datadir) initialise it, set the root password and create
#     MARIADB_DATABASE and MARIADB_USER/MARIADB_PASSWORD (MYSQL_* names work too, as do *_FILE variants),
#     then run /docker-entrypoint-initdb.d/*.sh, *.sql, *.sql.gz;
#   - then exec mariadbd as PID 1 so SIGTERM gives a clean shutdown.
set -Eeuo pipefail
shopt -s nullglob

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%F %T')" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# var NAME [DEFAULT]: $MARIADB_NAME, else $MYSQL_NAME, else the contents of the file in *_FILE, else DEFAULT
var() {
  local name=$1 def=${2:-} v
  for v in "MARIADB_$name" "MYSQL_$name"; do
    if [ -n "${!v:-}" ]; then printf '%s' "${!v}"; return; fi
    local f="${v}_FILE"
    if [ -n "${!f:-}" ]; then cat "${!f}"; return; fi
  done
  printf '%s' "$def"
}
sql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\\\'}"; }   # quoted SQL string literal
# shellcheck disable=SC2016
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }                           # quoted identifier

# `docker run image --some-option` means mariadbd --some-option
if [ $# -eq 0 ]; then set -- mariadbd; fi
if [ "${1:0:1}" = - ]; then set -- mariadbd "$@"; fi
if [ "$1" != mariadbd ] && [ "$1" != mysqld ]; then exec "$@"; fi

datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld "$datadir"

if [ ! -d "$datadir/mysql" ]; then
  root_password=$(var ROOT_PASSWORD)
  database=$(var DATABASE)
  user=$(var USER)
  password=$(var PASSWORD)
  root_host=$(var ROOT_HOST %)
  if [ -z "$root_password" ] && [ -z "$(var ALLOW_EMPTY_ROOT_PASSWORD)" ] && [ -z "$(var RANDOM_ROOT_PASSWORD)" ]; then
    die "database is uninitialised and no root password option is set: set MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD or MARIADB_RANDOM_ROOT_PASSWORD"
  fi
  if [ -n "$(var RANDOM_ROOT_PASSWORD)" ] && [ -z "$root_password" ]; then
    root_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    log "GENERATED ROOT PASSWORD: $root_password"
  fi
  if [ "$user" = root ]; then die "MARIADB_USER=root: use MARIADB_ROOT_PASSWORD for root"; fi
  if [ -n "$user" ] && [ -z "$password" ]; then die "MARIADB_USER is set but MARIADB_PASSWORD is empty"; fi

  log "initialising database files in $datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
    --auth-root-authentication-method=normal --skip-name-resolve --rpm >/dev/null

  # temporary server, socket only, for the setup SQL
  log "starting temporary server"
  "$@" --user=mysql --datadir="$datadir" --skip-networking --socket="$socket" \
    --skip-log-bin --wsrep-on=OFF &
  pid=$!
  for _ in $(seq 60); do
    mariadb-admin --socket="$socket" -uroot --silent ping >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || die "temporary server failed to start"
    sleep 0.5
  done
  mariadb-admin --socket="$socket" -uroot --silent ping >/dev/null 2>&1 || die "temporary server did not answer"

  client=(mariadb --protocol=socket --socket="$socket" -uroot)
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    # only root@localhost (and root@ROOT_HOST) remain, with the password
    echo "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host <> 'localhost');"
    echo "DELETE FROM mysql.proxies_priv WHERE Host NOT IN ('localhost', '%');"
    echo "FLUSH PRIVILEGES;"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_password");"
    if [ -n "$root_host" ] && [ "$root_host" != localhost ]; then
      echo "CREATE USER 'root'@$(sql_string "$root_host") IDENTIFIED BY $(sql_string "$root_password");"
      echo "GRANT ALL ON *.* TO 'root'@$(sql_string "$root_host") WITH GRANT OPTION;"
      echo "GRANT PROXY ON ''@'%' TO 'root'@$(sql_string "$root_host") WITH GRANT OPTION;"
    fi
    if [ -n "$database" ]; then
      log "creating database $database"
      echo "CREATE DATABASE IF NOT EXISTS $(sql_ident "$database");"
    fi
    if [ -n "$user" ]; then
      log "creating user $user"
      echo "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$password");"
      if [ -n "$database" ]; then
        echo "GRANT ALL ON $(sql_ident "$database").* TO $(sql_string "$user")@'%';"
      fi
    fi
  } | "${client[@]}"

  if [ -n "$root_password" ]; then client+=(--password="$root_password"); fi
  if [ -n "$database" ]; then client+=("$database"); fi
  for f in /docker-entrypoint-initdb.d/*; do
    # shellcheck disable=SC1090
    case $f in
      *.sh)     log "running $f"; . "$f" ;;
      *.sql)    log "running $f"; "${client[@]}" <"$f" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | "${client[@]}" ;;
      *)        log "ignoring $f" ;;
    esac
  done

  log "stopping temporary server"
  kill -TERM "$pid"
  wait "$pid" || die "temporary server did not stop cleanly"
  log "initialisation complete"
fi

exec "$@" --user=mysql
