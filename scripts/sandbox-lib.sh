# Sourced by mariadb-sandbox.sh, mysql-sandbox.sh and noida-sandbox.sh: what the throwaway servers
# share. Expects $dir (the sandbox folder) to be set.

# A loopback port nothing listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Stops the server of $dir (SIGTERM, then SIGKILL after 30 s) if its pid file names a live process.
stop() {
  stop_pid_file "$dir/mysqld.pid" 30
}

# Stops the process PID_FILE names, if it is alive: SIGTERM (and SIGCONT, so that a paused process
# ends too), then SIGKILL after SECONDS; removes the file.
stop_pid_file() {
  local pid_file=$1 seconds=$2
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    kill -CONT "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((seconds * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pid_file"
}
