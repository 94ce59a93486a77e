# Sourced by mariadb-sandbox.sh and mysql-sandbox.sh: what both throwaway servers share.
# Expects $dir (the sandbox folder) to be set.

# A loopback port nothing listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Stops the server of $dir (SIGTERM, then SIGKILL after 30 s) if its pid file names a live process.
stop() {
  local pid_file="$dir/mysqld.pid"
  [ -f "$pid_file" ] || return 0
  local pid
  pid=$(cat "$pid_file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$pid_file"
}
