#!/usr/bin/env bash
# A throwaway Kafka broker with real transactions for tests and benchmarks: noida-db's Kafka service
# (installed from PyPI by scripts/install-deps.sh), beside the mock cluster, which shows aborted and
# open transactions to read_committed consumers.
#
#   scripts/noida-sandbox.sh start DIR
#   scripts/noida-sandbox.sh stop DIR
#
# `start` finds the binary through python3 (the noida_db package's own file), starts its Kafka service
# alone on a free loopback port with its data in DIR/data, waits until it answers a Kafka request
# (a metadata request: the port accepts connections before a large state is loaded), and writes
# DIR/env (BINLOGO_NOIDA_BOOTSTRAP=127.0.0.1:PORT, BINLOGO_NOIDA_PID, BINLOGO_NOIDA_DATADIR;
# shell assignments). A start in a DIR that was used before keeps its port and its data. `stop` ends
# the broker with SIGTERM (it saves its state), SIGKILL after 120 s.
#
# noida-db keeps its whole state in DIR/data/kafka.json, rewritten at most once a second: a SIGKILL
# loses what was acknowledged in the last second or so, a SIGTERM loses nothing.
set -euo pipefail

command=${1:?usage: noida-sandbox.sh start|stop DIR}
dir=${2:?usage: noida-sandbox.sh start|stop DIR}

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

. "$(cd "$(dirname "$0")" && pwd)/sandbox-lib.sh"

# How long a stop waits for the state to be saved, and a start for the state to be loaded.
stop_seconds=120
start_seconds=120

stop() {
  stop_pid_file "$dir/noida.pid" "$stop_seconds"
}

# The noida-db executable inside the installed wheel (what noida_db/cli.py runs).
noida_binary() {
  local binary
  binary=$(python3 -c 'from importlib.resources import files; print(files("noida_db").joinpath("noida-db"))' 2>/dev/null) \
    || { echo "noida-sandbox: python3 has no noida_db package: run scripts/install-deps.sh" >&2; exit 1; }
  [ -f "$binary" ] || { echo "noida-sandbox: $binary is missing: run scripts/install-deps.sh" >&2; exit 1; }
  [ -x "$binary" ] || chmod 755 "$binary"
  echo "$binary"
}

start() {
  stop
  local binary port=""
  binary=$(noida_binary)
  # A restart keeps the port, so clients configured with it reconnect.
  [ -f "$dir/env" ] && port=$(sed -n 's/^BINLOGO_NOIDA_BOOTSTRAP=127.0.0.1://p' "$dir/env")
  [ -n "$port" ] || port=$(free_port)
  # Its stderr starts with a harmless "weak version `GLIBC_2.39' not found" line from the loader.
  "$binary" start --data-dir "$dir/data" --only kafka --kafka-port "$port" --host 127.0.0.1 >"$dir/noida.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/noida.pid"
  # The port accepts connections at once, but noida-db answers only once it has loaded its state
  # (seconds for a large one): ready means it answered a metadata request for all topics.
  if ! python3 - "$port" "$pid" "$start_seconds" <<'PYTHON'
import os, socket, struct, sys, time
port, pid, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + seconds
# Metadata v0 (api key 3), correlation id 1, client id "noida-sandbox", an empty topic list (all topics).
body = struct.pack(">hhih", 3, 0, 1, 13) + b"noida-sandbox" + struct.pack(">i", 0)
request = struct.pack(">i", len(body)) + body
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        sys.exit(2)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.settimeout(max(1.0, deadline - time.monotonic()))
            connection.sendall(request)
            header = b""
            while len(header) < 8:
                chunk = connection.recv(8 - len(header))
                if not chunk:
                    break
                header += chunk
            if len(header) == 8 and struct.unpack(">i", header[4:])[0] == 1:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
PYTHON
  then
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "noida-sandbox: noida-db exited at start, see $dir/noida.log:" >&2
      tail -5 "$dir/noida.log" >&2
      rm -f "$dir/noida.pid"
    else
      echo "noida-sandbox: noida-db did not answer on 127.0.0.1:$port within $start_seconds s, see $dir/noida.log" >&2
      stop
    fi
    exit 1
  fi
  printf 'BINLOGO_NOIDA_BOOTSTRAP=127.0.0.1:%s\nBINLOGO_NOIDA_PID=%s\nBINLOGO_NOIDA_DATADIR=%s\n' \
    "$port" "$pid" "$dir/data" >"$dir/env"
  echo "noida-sandbox: noida-db $pid on 127.0.0.1:$port, data in $dir/data"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) echo "noida-sandbox: unknown command $command (start|stop)" >&2; exit 2 ;;
esac
