#!/usr/bin/env bash
# A throwaway MySQL 9 server for tests and benchmarks, beside scripts/mariadb-sandbox.sh.
#
#   scripts/mysql-sandbox.sh start DIR [extra mysqld options…]
#   scripts/mysql-sandbox.sh stop DIR
#
# The server comes from scripts/install-mysql.sh (Debian sid's mysql-server-core, fetched once per
# machine into a cache). `start` initialises DIR/data on first use (a copy of one initialised data
# directory per machine and version), starts mysqld on a free loopback port and on DIR/mysqld.sock
# with the binlog settings binlogo needs (ROW format, FULL row image, FULL row metadata, server_id 1,
# gtid_mode ON), waits until it answers, and writes DIR/env (BINLOGO_MYSQL_HOST/PORT/SOCKET/DATADIR,
# BINLOGO_MYSQL_FLAVOR=mysql, BINLOGO_MYSQL_VERSION; shell assignments). Extra options override the
# defaults, e.g. --binlog-row-metadata=MINIMAL. root@localhost and root@127.0.0.1 have no password
# inside the sandbox (caching_sha2_password, MySQL 9's only built-in password plugin).
set -euo pipefail

command=${1:?usage: mysql-sandbox.sh start|stop DIR [mysqld options…]}
dir=${2:?usage: mysql-sandbox.sh start|stop DIR [mysqld options…]}
shift 2

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
scripts=$(cd "$(dirname "$0")" && pwd)

. "$scripts/sandbox-lib.sh"

start() {
  stop
  local server root version
  server=$(bash "$scripts/install-mysql.sh")
  root="$server/root"
  version=$(cat "$server/version")
  # Where mysqld finds its messages, character sets and plugins: the private folder, never the system's.
  local paths=(--basedir="$root/usr" --lc-messages-dir="$root/usr/share/mysql"
               --character-sets-dir="$root/usr/share/mysql/charsets" --plugin-dir="$root/usr/lib/mysql/plugin")
  # lower_case_table_names is fixed when the data directory is initialised: a sandbox started with it
  # gets a data directory initialised with it.
  local init_options=() option
  for option in "$@"; do
    case "$option" in --lower-case-table-names=*|--lower_case_table_names=*) init_options+=("$option") ;; esac
  done
  if [ ! -d "$dir/data/mysql" ]; then
    # One initialised data directory per machine, version and lower_case_table_names, copied for each
    # sandbox: faster than --initialize every time, and several sandboxes can start at once.
    local template="${TMPDIR:-/tmp}/binlogo-mysql-template-$version${init_options[0]:+-lctn${init_options[0]##*=}}"
    (
      flock 9
      if [ ! -d "$template/mysql" ]; then
        rm -rf "$template.tmp"
        printf "CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '';\nGRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n" \
          >"$dir/init.sql"
        "$server/bin/mysqld" --no-defaults --initialize-insecure --user=root --datadir="$template.tmp" "${paths[@]}" \
          ${init_options[@]+"${init_options[@]}"} \
          --init-file="$dir/init.sql" --innodb-redo-log-capacity=64M --log-error="$dir/install.log" \
          || { echo "mysql-sandbox: mysqld --initialize-insecure failed:" >&2; tail -20 "$dir/install.log" >&2; exit 1; }
        # Each sandbox makes its own server_uuid (GTIDs name it) from a copy without this file.
        rm -f "$template.tmp/auto.cnf"
        mv "$template.tmp" "$template"
      fi
    ) 9>"$template.lock"
    mkdir -p "$dir/data"
    cp -a "$template/." "$dir/data/"
  fi
  mkdir -p "$dir/files"
  local port=""
  # A restart keeps the port, so clients configured with it reconnect.
  [ -f "$dir/env" ] && port=$(sed -n 's/^BINLOGO_MYSQL_PORT=//p' "$dir/env")
  [ -n "$port" ] || port=$(free_port)
  mkdir -p "$dir/tmp"  # temporary files of the sandbox's own, not the shared /tmp (as mariadb-sandbox.sh)
  "$server/bin/mysqld" --no-defaults --user=root --datadir="$dir/data" "${paths[@]}" --tmpdir="$dir/tmp" \
    --socket="$dir/mysqld.sock" --port="$port" --bind-address=127.0.0.1 --mysqlx=OFF \
    --pid-file="$dir/mysqld.pid" --log-error="$dir/error.log" --secure-file-priv="$dir/files" \
    --server-id=1 --log-bin="$dir/data/binlog" --binlog-format=ROW \
    --binlog-row-image=FULL --binlog-row-metadata=FULL --gtid-mode=ON --enforce-gtid-consistency=ON \
    --innodb-buffer-pool-size=128M --innodb-redo-log-capacity=64M --max-connections=500 \
    --skip-name-resolve --cte-max-recursion-depth=100000000 \
    "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do
    if "$server/bin/mysqladmin" --no-defaults --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; then
      # The server's RSA public key, for password logins over plain TCP (mysql.server_public_key_file),
      # where any user can read it: the data folder and a mktemp folder are not.
      local key="${TMPDIR:-/tmp}/binlogo-mysql-$port-public_key.pem"
      install -m 0644 "$dir/data/public_key.pem" "$key"
      printf 'BINLOGO_MYSQL_HOST=127.0.0.1\nBINLOGO_MYSQL_PORT=%s\nBINLOGO_MYSQL_SOCKET=%s\nBINLOGO_MYSQL_DATADIR=%s\nBINLOGO_MYSQL_FLAVOR=mysql\nBINLOGO_MYSQL_VERSION=%s\nBINLOGO_MYSQL_PUBLIC_KEY=%s\n' \
        "$port" "$dir/mysqld.sock" "$dir/data" "$version" "$key" >"$dir/env"
      echo "mysql-sandbox: mysqld $version ($pid) on 127.0.0.1:$port and $dir/mysqld.sock"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "mysql-sandbox: mysqld exited at start, see $dir/error.log:" >&2
      grep -E '\[(ERROR|Warning)\]' "$dir/error.log" | tail -5 >&2 || tail -5 "$dir/error.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "mysql-sandbox: mysqld did not answer within 60 s, see $dir/error.log" >&2
  exit 1
}

case "$command" in
  start) start "$@" ;;
  stop)
    stop
    [ -f "$dir/env" ] && rm -f "$(sed -n 's/^BINLOGO_MYSQL_PUBLIC_KEY=//p' "$dir/env")"
    ;;
  *) echo "mysql-sandbox: unknown command $command (start|stop)" >&2; exit 2 ;;
esac
