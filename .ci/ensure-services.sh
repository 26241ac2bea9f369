#!/usr/bin/env bash
# The machine starts PostgreSQL (127.0.0.1:5432) and MariaDB (127.0.0.1:3306) before a session; start
# them only if they are not answering (same commands the machine uses), and wait until they accept
# connections. The live-database tests use the `test` database on both.
set -u
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null || true
fi
if ! mysqladmin -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd 2>/dev/null || true
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && mysqladmin -h 127.0.0.1 -P 3306 -u root ping >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "ensure-services: PostgreSQL or MariaDB did not come up (the live-database tests will report it)" >&2
exit 0
