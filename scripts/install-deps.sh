#!/usr/bin/env bash
# Installs the Debian packages binlogo needs to build, test and run its demo, if any is missing,
# then fetches the test bench's MySQL server (scripts/install-mysql.sh: Debian sid's MySQL 9,
# unpacked into a per-machine cache, not installed). Needs root (or sudo) and Debian's package
# registry; does nothing when all is there.
set -euo pipefail

packages=(
  libmariadb-dev   # libmariadb (Connector/C) headers, with the replication API in mariadb_rpl.h
  librdkafka-dev   # librdkafka headers, with the mock cluster in rdkafka_mock.h
  mariadb-server   # mariadbd and mariadb-install-db for the sandbox server
  mariadb-client   # mariadb, mariadb-admin, mariadb-binlog
  pkg-config
  zlib1g-dev
  libzstd-dev      # zstd, for MySQL's compressed transactions (TRANSACTION_PAYLOAD_EVENT)
  python3
  bc               # the benchmark scripts' arithmetic
  openssl          # certificates for the TLS tests
  libssl-dev       # libcrypto headers for binlogo's caching_sha2_password/sha256_password client (Sources/CMySQLAuth)
  kcat             # the demo reads the topics back with it
  debian-archive-keyring  # checks Debian sid's index when install-mysql.sh fetches MySQL
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  bash "$(dirname "$0")/install-mysql.sh" >/dev/null
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# The package's own service must not start: binlogo's sandbox runs its own server.
policy=/usr/sbin/policy-rc.d
created_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created_policy=1
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ -n "$created_policy" ] && $sudo rm -f "$policy"
# A mariadb-server install may still have started the system server: stop it, the sandbox uses its own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mariadb 2>/dev/null; then
  $sudo systemctl stop mariadb || true
fi
bash "$(dirname "$0")/install-mysql.sh" >/dev/null
echo "install-deps: done"
