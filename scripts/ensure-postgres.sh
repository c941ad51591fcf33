#!/usr/bin/env bash
# Start the machine's PostgreSQL when it is down; tests create their own throwaway databases.
set -euo pipefail
HOST=${PGHOST_TEST:-127.0.0.1}
PORT=${PGPORT_TEST:-5432}
if pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; then
  exit 0
fi
if command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
for _ in $(seq 1 30); do
  pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null && exit 0
  sleep 1
done
echo "PostgreSQL is not reachable on $HOST:$PORT; PostgreSQL tests will fail" >&2
exit 1
