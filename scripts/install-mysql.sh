#!/usr/bin/env bash
# Fetches a MySQL 9.x server and client for the test bench into a per-machine cache, once.
#
#   scripts/install-mysql.sh      prints the server's folder (fetching it first when it is not cached)
#
# Debian 12 has no MySQL server package; Debian's unstable suite (sid) has mysql-server-core 9.7.
# Its binaries need sid's newer C library, so they run through sid's own dynamic loader from a
# private folder: apt-get with a private configuration (its own state, cache and sources list,
# naming suite sid on the same mirror as this machine's apt sources) downloads mysql-server-core,
# mysql-client-core and the libraries they depend on (not perl: only scripts binlogo does not use
# need it), `dpkg -x` unpacks them, and small launchers in FOLDER/bin (mysqld, mysql, mysqladmin,
# mysqlbinlog) start each program through FOLDER/root's loader and libraries. Nothing is installed
# on the system.
#
# The cache is BINLOGO_MYSQL_CACHE if set, else /var/cache/binlogo-mysql when writable, else
# ${TMPDIR:-/tmp}/binlogo-mysql; FOLDER is CACHE/VERSION and CACHE/current points to it. To fetch
# again (e.g. a newer sid version), remove CACHE/current. BINLOGO_DEBIAN_MIRROR overrides the mirror.
set -euo pipefail

log() { echo "install-mysql: $*" >&2; }
fail() { log "$*"; exit 1; }

cache=${BINLOGO_MYSQL_CACHE:-}
if [ -z "$cache" ]; then
  if mkdir -p /var/cache/binlogo-mysql 2>/dev/null && [ -w /var/cache/binlogo-mysql ]; then
    cache=/var/cache/binlogo-mysql
  else
    cache="${TMPDIR:-/tmp}/binlogo-mysql"
  fi
fi
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# A cached server that starts is used as it is, without the network.
cached_server() {
  [ -x "$cache/current/bin/mysqld" ] && "$cache/current/bin/mysqld" --no-defaults --version >/dev/null 2>&1
}
if cached_server; then
  readlink -f "$cache/current"
  exit 0
fi

# The mirror this machine's apt already uses: deb822 stanzas in sources.list.d (the first URI of
# a `deb` stanza that is not a -security suite), else the first such `deb` line of sources.list.
system_mirror() {
  local files=()
  for file in /etc/apt/sources.list.d/*.sources; do [ -f "$file" ] && files+=("$file"); done
  if [ ${#files[@]} -gt 0 ]; then
    awk 'BEGIN { RS = ""; FS = "\n" }
      {
        types = ""; uris = ""; suites = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^[ \t]*#/) continue
          if ($i ~ /^Types:/) types = substr($i, 7)
          if ($i ~ /^URIs:/) uris = substr($i, 6)
          if ($i ~ /^Suites:/) suites = substr($i, 8)
        }
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && suites !~ /-security/ && uris != "") {
          split(uris, list, /[ \t]+/)
          for (j in list) if (list[j] != "") { print list[j]; exit }
        }
      }' "${files[@]}" | head -1
  fi
  if [ -f /etc/apt/sources.list ]; then
    awk '$1 == "deb" { uri = ""; for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i !~ /=/) { uri = $i; suite = $(i + 1); break }
           if (uri != "" && suite !~ /-security/) { print uri; exit } }' /etc/apt/sources.list
  fi
}
mirror=${BINLOGO_DEBIAN_MIRROR:-$(system_mirror | head -1)}
[ -n "$mirror" ] || fail "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; set BINLOGO_DEBIAN_MIRROR to one and run bash scripts/install-mysql.sh again"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || fail "$keyring is missing; run apt-get install debian-archive-keyring, then bash scripts/install-mysql.sh again"
command -v apt-get >/dev/null && command -v dpkg >/dev/null || fail "apt-get and dpkg are needed (Debian or Ubuntu); run bash scripts/install-mysql.sh on such a machine"

exec 9>"$cache/fetch.lock"
flock 9
if cached_server; then  # another process fetched it while this one waited
  readlink -f "$cache/current"
  exit 0
fi

work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/state/lists/partial" "$work/archives/partial" "$work/empty" "$work/debs" "$work/server/root" "$work/server/bin"
touch "$work/state/status"
echo "deb [signed-by=$keyring] $mirror sid main" >"$work/sources.list"
sandbox_user=""
[ "$(id -u)" -eq 0 ] && sandbox_user='APT::Sandbox::User "root";'
# How this machine's apt reaches its mirror (proxies, TLS, date checks) applies to the private one too.
system_acquire=$(apt-config dump Acquire 2>/dev/null \
  | grep -E '^Acquire::(http|https|ftp|socks|Check-Valid-Until|Check-Date|Max-ValidTime|Retries|ForceIPv4|ForceIPv6)' || true)
cat >"$work/apt.conf" <<EOF
Dir::State "$work/state";
Dir::State::status "$work/state/status";
Dir::Cache "$work/cache";
Dir::Cache::archives "$work/archives";
Dir::Etc::SourceList "$work/sources.list";
Dir::Etc::SourceParts "$work/empty";
Dir::Etc::Parts "$work/empty";
Dir::Etc::Preferences "$work/empty/preferences";
Dir::Etc::PreferencesParts "$work/empty";
Dir::Etc::TrustedParts "$work/empty";
APT::Architecture "$(dpkg --print-architecture)";
APT::Architectures { "$(dpkg --print-architecture)"; };
Acquire::Languages "none";
$sandbox_user
$system_acquire
EOF
export APT_CONFIG="$work/apt.conf"
retry="check the network and run bash scripts/install-mysql.sh again"

log "reading Debian sid's package index from $mirror"
# apt-get update reports an unreachable mirror as a warning and succeeds: the index must be there.
if ! apt-get update -qq >"$work/update.log" 2>&1 || ! ls "$work"/state/lists/*_Packages* >/dev/null 2>&1; then
  fail "reading Debian sid's package index from $mirror failed ($(grep -m1 -E '^(E|W):' "$work/update.log" || tail -1 "$work/update.log")); $retry"
fi
version=$(apt-cache show --no-all-versions mysql-server-core 2>/dev/null | sed -n 's/^Version: //p' | head -1) || true
[ -n "$version" ] || fail "Debian sid on $mirror has no mysql-server-core package; set BINLOGO_DEBIAN_MIRROR to a full Debian mirror and run bash scripts/install-mysql.sh again"

# The libraries of both packages and what they depend on in turn; perl is left out.
dependency_options=(--no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances)
direct=$(apt-cache depends "${dependency_options[@]}" mysql-server-core mysql-client-core \
  | sed -n 's/^ *\(Pre\)\{0,1\}Depends: //p' | grep -v -e '^<' -e '^perl' | sort -u)
packages=$(apt-cache depends --recurse "${dependency_options[@]}" $direct \
  | grep -v -e '^ ' -e '^<' | sort -u)
log "downloading MySQL $version: mysql-server-core, mysql-client-core and $(echo "$packages" | wc -w) libraries"
(cd "$work/debs" && apt-get download -qq mysql-server-core mysql-client-core $packages >"$work/download.log" 2>&1) \
  || fail "downloading the MySQL packages from $mirror failed ($(grep -m1 -E '^(E|W):' "$work/download.log" || tail -1 "$work/download.log")); $retry"
for package in "$work"/debs/*.deb; do dpkg -x "$package" "$work/server/root"; done
# Only the programs the bench uses stay (the other client tools are about 100 MB).
rm -rf "$work/server/root/usr/share/doc" "$work/server/root/usr/share/man" "$work/server/root/usr/share/lintian"
find "$work/server/root/usr/bin" -type f ! -name mysql ! -name mysqladmin ! -name mysqlbinlog ! -name mysqldump -delete

root="$work/server/root"
libraries="$root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")"
loader=$(ls "$libraries"/ld-linux*.so.* 2>/dev/null | head -1)
[ -n "$loader" ] || fail "the downloaded libc6 has no dynamic loader in $libraries; remove $cache and run bash scripts/install-mysql.sh again"

# Launchers: each program runs through sid's loader with sid's libraries, wherever the folder is.
for program in usr/sbin/mysqld usr/bin/mysql usr/bin/mysqladmin usr/bin/mysqlbinlog; do
  name=$(basename "$program")
  cat >"$work/server/bin/$name" <<EOF
#!/bin/sh
# $name of MySQL $version (Debian sid), started through sid's dynamic loader and libraries.
here=\$(cd "\$(dirname "\$0")/.." && pwd -P)
exec "\$here/root/${loader#"$root/"}" --inhibit-cache --library-path "\$here/root/${libraries#"$root/"}" "\$here/root/$program" "\$@"
EOF
  chmod +x "$work/server/bin/$name"
  # Every library a program needs must come from the private folder, never from the system.
  outside=$("$loader" --inhibit-cache --library-path "$libraries" --list "$root/$program" | awk '/=>/ && $3 !~ "^'"$root"'" { print $1 }' | tr '\n' ' ')
  [ -z "$outside" ] || fail "$name needs libraries the download lacks ($outside); report it, or remove $cache and run bash scripts/install-mysql.sh again"
done
echo "$version" >"$work/server/version"
"$work/server/bin/mysqld" --no-defaults --version >/dev/null 2>&1 \
  || fail "the downloaded mysqld does not start: $("$work/server/bin/mysqld" --no-defaults --version 2>&1 | head -1)"

rm -rf "${cache:?}/$version"
mv "$work/server" "$cache/$version"
ln -sfn "$version" "$cache/current"
log "MySQL $version in $cache/$version ($(du -sh "$cache/$version" | cut -f1))"
echo "$cache/$version"
