#!/usr/bin/env bash
# Installs what is missing, starts the test bench (a sandbox MariaDB, a sandbox MySQL, the mock
# Kafka cluster and noida-db, a broker with Kafka transactions), runs the whole test suite with
# `swift test` once against each server, and stops the bench again.
#
#   scripts/test.sh [swift test arguments…]     e.g. scripts/test.sh --filter Decoder
#   BINLOGO_TEST_SERVER=mysql scripts/test.sh   against one server only (mariadb or mysql)
#
# The suites that exercise "a server" use the one BINLOGO_TEST_SERVER names; tests of one server's
# own features (MariaDB's GTIDs, MySQL's tagged GTIDs, …) use theirs in both runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build --build-tests

. scripts/bench-servers.sh
servers_start test "$(swift build --show-bin-path)/binlogo-kafka-mock"
servers_start_mysql
servers_start_noida
echo "test: MariaDB on $BINLOGO_MYSQL_HOST:$BINLOGO_MYSQL_PORT, MySQL $BINLOGO_MYSQL9_VERSION on $BINLOGO_MYSQL9_HOST:$BINLOGO_MYSQL9_PORT, Kafka mock at $BINLOGO_KAFKA_BOOTSTRAP, transactional Kafka (noida-db) at $BINLOGO_NOIDA_BOOTSTRAP"
status=0
for server in ${BINLOGO_TEST_SERVER:-mariadb mysql}; do
  echo "test: the suite against $server"
  BINLOGO_TEST_SERVER=$server swift test "$@" || status=1
done
exit $status
