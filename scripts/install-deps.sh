#!/usr/bin/env bash
# Installs the Debian packages binlogo needs to build, test and run its demo, if any is missing,
# then fetches the test bench's MySQL server (scripts/install-mysql.sh: Debian sid's MySQL 9,
# unpacked into a per-machine cache, not installed) and installs the transactional Kafka broker
# (noida-db, from PyPI with python3's pip). Needs root (or sudo), Debian's package registry and
# PyPI; does nothing when all is there.
set -euo pipefail

# The test bench's broker with real Kafka transactions (scripts/noida-sandbox.sh,
# Sources/TestBench/TransactionalKafka.swift): librdkafka's mock cluster shows aborted and open
# transactions to read_committed consumers, so the exactly_once profile is tested against noida-db,
# a single binary inside a PyPI wheel that speaks the Kafka protocol. Pinned: the bench relies on
# what 0.2.3 was checked to do (transaction markers, the last stable offset as the read_committed
# high watermark, fencing by transactional.id, its command line and data folder); move the pin
# only after `bash scripts/test.sh --filter TransactionalBroker` passes with the new version.
# python3 is the one noida-sandbox.sh asks where the binary is (on CI: pyenv's CPython 3.11).
noida_version=0.2.3
install_noida() {
  local installed
  installed=$(python3 -c 'import importlib.metadata as m; print(m.version("noida-db"))' 2>/dev/null || true)
  [ "$installed" = "$noida_version" ] && return 0
  echo "install-deps: installing noida-db $noida_version with $(command -v python3)'s pip"
  PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 \
    python3 -m pip install --quiet "noida-db==$noida_version"
}

packages=(
  libmariadb-dev   # libmariadb (Connector/C) headers, with the replication API in mariadb_rpl.h
  librdkafka-dev   # librdkafka headers, with the mock cluster in rdkafka_mock.h
  mariadb-server   # mariadbd and mariadb-install-db for the sandbox server
  mariadb-client   # mariadb, mariadb-admin, mariadb-binlog
  pkg-config
  zlib1g-dev
  libzstd-dev      # zstd, for MySQL's compressed transactions (TRANSACTION_PAYLOAD_EVENT)
  libjemalloc-dev  # jemalloc, the daemon's allocator (Sources/CJemalloc)
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
  install_noida
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
install_noida
echo "install-deps: done"
