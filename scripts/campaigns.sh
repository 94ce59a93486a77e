#!/usr/bin/env bash
# The reliability campaigns of Docs/reliability.md at full length: kill -9, SIGTERM/SIGHUP cycles,
# database, Kafka and disk faults, each against a sandbox MariaDB (or MySQL: --server mysql) and a mock Kafka cluster of its
# own, with a writer whose every committed change is known and a checker that reads the topic back.
#
#   bash scripts/campaigns.sh [binlogo-campaign arguments…]
#       e.g. bash scripts/campaigns.sh crash --rounds 200 --seed 7
#
# Needs root (the disk campaign mounts a tmpfs in the daemon's own mount namespace). Prints one
# table; exits non-zero if any campaign lost, reordered or (outside crashes) repeated a change.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
swift build -c release --product binlogo >/dev/null
swift build -c release --product binlogo-kafka-mock >/dev/null
swift build -c release --product binlogo-campaign >/dev/null
exec "$(swift build -c release --show-bin-path)/binlogo-campaign" "$@"
