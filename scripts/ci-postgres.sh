#!/usr/bin/env bash
# Makes a throwaway PostgreSQL server available on loopback for the lifecycle tests, and prints
# the shell lines that point the tests at it:
#
#   export ASSET_DIFF_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/postgres
#   export ASSET_DIFF_TEST_POSTGRES_STOP='...'     # a command that stops the server
#
# so that CI can run:   eval "$(bash scripts/ci-postgres.sh)"
# and afterwards:       eval "$ASSET_DIFF_TEST_POSTGRES_STOP"   (or: bash scripts/ci-postgres.sh --stop)
#
# - Installs PostgreSQL from Debian packages (apt-get install postgresql) when no initdb is found
#   on PATH or in /usr/lib/postgresql/<version>/bin.
# - Creates a cluster in a temporary directory (initdb --auth=trust -U postgres). initdb and
#   pg_ctl refuse to run as root, so as root they run as the `postgres` system user (runuser),
#   in a directory that user owns.
# - Starts it on 127.0.0.1 on a free port, with its socket in the same directory, and waits for
#   pg_isready. Durability is off (fsync, synchronous_commit, full_page_writes): test data only.
# - Idempotent: a server this script started and that still answers is reused, so a second run
#   prints the same lines at once. Only the export lines go to stdout; diagnostics go to stderr.
#
# Environment: ASSET_DIFF_PG_DIR overrides the working directory
# (default: asset-diff-ci-postgres-<uid> in the temporary directory).
set -euo pipefail
# runuser and useradd live in sbin, which minimal CI shells leave off PATH.
export PATH="$PATH:/usr/sbin:/sbin"

log() { echo "ci-postgres: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

dir="${ASSET_DIFF_PG_DIR:-/tmp/asset-diff-ci-postgres-$(id -u)}"
data="$dir/data"
socket="$dir/socket"
logfile="$dir/server.log"
state="$dir/server.env"

is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs a PostgreSQL server program as the user that owns the cluster.
as_owner() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

find_bindir() {
  local initdb candidate
  if initdb="$(command -v initdb 2>/dev/null)"; then
    dirname "$(readlink -f "$initdb")"
    return 0
  fi
  # Debian keeps server binaries off PATH; take the newest version installed.
  candidate="$(find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)"
  [[ -n $candidate ]] || return 1
  dirname "$candidate"
}

install_postgres() {
  log "initdb not found: installing PostgreSQL from Debian packages"
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install the postgresql package first"
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null 2>&1 || die "no apt-get: install PostgreSQL (initdb, pg_ctl) first"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >&2 || log "apt-get update failed; trying the install anyway"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends postgresql >&2 ||
    die "apt-get install postgresql failed"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_exports() {
  local port="$1" stop
  stop="$(printf '%q ' bash "$(readlink -f "${BASH_SOURCE[0]}")" --stop)"
  printf 'export ASSET_DIFF_TEST_POSTGRES_URL=%q\n' "postgresql://postgres@127.0.0.1:$port/postgres"
  printf 'export ASSET_DIFF_TEST_POSTGRES_STOP=%q\n' "${stop% }"
}

stop_server() {
  if [[ -f $state && -f $data/postmaster.pid ]]; then
    # shellcheck source=/dev/null
    source "$state"
    log "stopping the server on port ${PORT:-?}"
    as_owner "$BINDIR/pg_ctl" -D "$data" -m fast -w stop >&2 || true
  fi
  rm -rf -- "$data" "$socket" "$state" "$logfile" "$logfile.initdb"
  rmdir -- "$dir" 2>/dev/null || true
}

if [[ ${1:-} == --stop ]]; then
  stop_server
  exit 0
fi

# Reuse a server this script started, if it still answers.
if [[ -f $state ]]; then
  # shellcheck source=/dev/null
  source "$state"
  if [[ -n ${PORT:-} && -x ${BINDIR:-}/pg_isready ]] &&
    "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 2; then
    log "reusing the server on port $PORT"
    print_exports "$PORT"
    exit 0
  fi
  log "the recorded server does not answer; starting a new one"
  stop_server
fi

bindir="$(find_bindir)" || {
  install_postgres
  bindir="$(find_bindir)" || die "PostgreSQL installed, but no initdb was found"
}
log "using $("$bindir/postgres" --version) from $bindir"

if is_root; then
  id -u postgres >/dev/null 2>&1 ||
    useradd --system --no-create-home --shell /usr/sbin/nologin postgres ||
    die "cannot create the postgres system user"
fi

mkdir -p "$dir"
chmod 0755 "$dir"
mkdir -p "$socket"
is_root && chown postgres: "$dir" "$socket"

log "creating a cluster in $data"
as_owner "$bindir/initdb" -D "$data" --auth=trust -U postgres -E UTF8 --locale=C --no-sync \
  >"$logfile.initdb" 2>&1 || {
  cat "$logfile.initdb" >&2
  die "initdb failed"
}

started=""
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  port=$((20000 + (RANDOM * 32768 + RANDOM + $$ + attempt) % 40000))
  port_in_use "$port" && continue
  log "starting on 127.0.0.1:$port (attempt $attempt)"
  if as_owner "$bindir/pg_ctl" -D "$data" -l "$logfile" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2; then
    started="$port"
    break
  fi
  tail -n 20 "$logfile" >&2 || true
done
[[ -n $started ]] || die "could not start PostgreSQL (see $logfile)"

for _ in $(seq 1 60); do
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$started" -t 1 && break
  sleep 0.5
done
"$bindir/pg_isready" -h 127.0.0.1 -p "$started" -t 5 >&2 || die "PostgreSQL does not accept connections"

printf 'PORT=%q\nBINDIR=%q\n' "$started" "$bindir" >"$state"
log "ready on 127.0.0.1:$started"
print_exports "$started"
