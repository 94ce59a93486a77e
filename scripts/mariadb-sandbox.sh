#!/usr/bin/env bash
# A throwaway MariaDB server for tests, the demo and benchmarks.
#
#   scripts/mariadb-sandbox.sh start DIR [extra mariadbd options…]
#   scripts/mariadb-sandbox.sh stop DIR
#
# `start` initialises DIR/data on first use, starts mariadbd on a free loopback
# port and on DIR/mysqld.sock with the binlog settings binlogo needs (ROW format,
# FULL row image, FULL row metadata, server_id 1, GTIDs), waits until it answers,
# and writes DIR/env (BINLOGO_MYSQL_HOST/PORT/SOCKET, shell assignments). Extra
# options override the defaults, e.g. --binlog-format=STATEMENT.
# root@localhost and root@127.0.0.1 have no password inside the sandbox.
set -euo pipefail

command=${1:?usage: mariadb-sandbox.sh start|stop DIR [mariadbd options…]}
dir=${2:?usage: mariadb-sandbox.sh start|stop DIR [mariadbd options…]}
shift 2

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

. "$(cd "$(dirname "$0")" && pwd)/sandbox-lib.sh"

start() {
  stop
  if [ ! -d "$dir/data/mysql" ]; then
    # One initialised data directory per machine, copied for each sandbox: faster than running
    # mariadb-install-db every time, and several sandboxes can start at once.
    local template="${TMPDIR:-/tmp}/binlogo-mariadb-template-$(mariadbd --version | awk '{print $3}')"
    (
      flock 9
      if [ ! -d "$template/mysql" ]; then
        rm -rf "$template.tmp"
        mariadb-install-db --no-defaults --datadir="$template.tmp" --user=root \
          --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
          || { echo "mariadb-sandbox: mariadb-install-db failed:" >&2; tail -20 "$dir/install.log" >&2; exit 1; }
        mv "$template.tmp" "$template"
      fi
    ) 9>"$template.lock"
    mkdir -p "$dir/data"
    cp -a "$template/." "$dir/data/"
  fi
  local port=""
  # A restart keeps the port, so clients configured with it reconnect.
  [ -f "$dir/env" ] && port=$(sed -n 's/^BINLOGO_MYSQL_PORT=//p' "$dir/env")
  [ -n "$port" ] || port=$(free_port)
  # Temporary tables in a folder of the sandbox's own: in the shared /tmp, a CI run once saw MariaDB's
  # temporary Aria file vanish under a query ("Error on delete of '/tmp/#sql-temptable-….MAI'").
  mkdir -p "$dir/tmp"
  mariadbd --no-defaults --user=root --datadir="$dir/data" --tmpdir="$dir/tmp" \
    --socket="$dir/mysqld.sock" --port="$port" --bind-address=127.0.0.1 \
    --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" \
    --server-id=1 --log-bin="$dir/data/binlog" --binlog-format=ROW \
    --binlog-row-image=FULL --binlog-row-metadata=FULL \
    --innodb-buffer-pool-size=128M --innodb-log-file-size=64M --max-connections=500 \
    --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --max-recursive-iterations=100000000 \
    "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    if mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; then
      mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot -e \
        "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
      printf 'BINLOGO_MYSQL_HOST=127.0.0.1\nBINLOGO_MYSQL_PORT=%s\nBINLOGO_MYSQL_SOCKET=%s\nBINLOGO_MYSQL_DATADIR=%s\n' \
        "$port" "$dir/mysqld.sock" "$dir/data" >"$dir/env"
      echo "mariadb-sandbox: mariadbd $pid on 127.0.0.1:$port and $dir/mysqld.sock"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "mariadb-sandbox: mariadbd exited at start, see $dir/error.log:" >&2
      tail -5 "$dir/error.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "mariadb-sandbox: mariadbd did not answer within 30 s, see $dir/error.log" >&2
  exit 1
}

case "$command" in
  start) start "$@" ;;
  stop) stop ;;
  *) echo "mariadb-sandbox: unknown command $command (start|stop)" >&2; exit 2 ;;
esac
