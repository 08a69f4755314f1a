#!/usr/bin/env bash
# System libraries Qt needs beyond what pip brings (Debian/Ubuntu package names as arguments).
# As root with apt-get: installs the missing ones. Otherwise: names them and the command to run, and exits 0
# (the app and the tests say what they cannot do without them), or 1 with --require.
set -uo pipefail
require=0
if [ "${1:-}" = "--require" ]; then require=1; shift; fi
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian/Ubuntu system; see README, 'A fresh desktop'."; exit 0; }
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  (timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null) && exit 0
  echo "system-deps: apt-get could not install ${missing[*]}"
else
  echo "system-deps: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}"
fi
exit $require
