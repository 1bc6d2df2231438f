#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries are installed (Debian layout), so
# the tests and the demo can boot a throwaway cluster. Nothing is started here.
set -euo pipefail
if [ -n "${TEST_DATABASE_URL:-}${DATABASE_URL:-}" ]; then
  exit 0 # a server was given
fi
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  exit 0
fi
echo "PostgreSQL server binaries not found; installing postgresql with apt-get ..." >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq postgresql >/dev/null
# The Debian package starts a cluster of its own; the tests do not need it.
$SUDO systemctl disable --now postgresql >/dev/null 2>&1 || $SUDO service postgresql stop >/dev/null 2>&1 || true
