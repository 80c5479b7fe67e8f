#!/usr/bin/env bash
# The Debian packages the tests use: bubblewrap (the sandbox), iproute2 (test network
# namespaces), socat (the relay from a sandbox to the egress proxy), busybox-static (small
# tools for escape tests and the container image), docker.io (the docker backend's tests,
# with a private engine from scripts/test-dockerd.sh). Installed only when missing, quietly.
set -euo pipefail

wanted=(bubblewrap iproute2 socat busybox-static docker.io)
# The edge tests: a real browser for the cross-origin attack tests, wrk for the bounded load test.
wanted+=(chromium wrk)
missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
  exit 0
fi
echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "system-deps: installing ${missing[*]} failed (see above)" >&2
  exit 1
fi
