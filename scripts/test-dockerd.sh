#!/usr/bin/env bash
# A private docker engine for the sandbox tests, and a tiny image built from Debian's
# busybox-static (no registry needed). It touches no host networking (no bridge, no iptables)
# and keeps its state in one folder. Prints the environment the tests read:
#   eval "$(bash scripts/test-dockerd.sh start)"  …  bash scripts/test-dockerd.sh stop
# Without dockerd, or not as root, it prints nothing and the docker tests skip with the reason.
set -euo pipefail
dir=${HARDSHELL_TEST_DOCKERD_DIR:-/tmp/hardshell-test-dockerd}
sock="unix://$dir/docker.sock"
image=hardshell-test-busybox

case "${1:-start}" in
start)
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v busybox >/dev/null 2>&1; then
    echo "test-dockerd: dockerd or busybox is not installed (scripts/system-deps.sh); docker tests will be skipped" >&2
    exit 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "test-dockerd: not root; docker tests will be skipped unless DOCKER_HOST reaches an engine" >&2
    exit 0
  fi
  mkdir -p "$dir"
  if ! DOCKER_HOST=$sock docker info >/dev/null 2>&1; then
    dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" -H "$sock" \
      --iptables=false --ip-forward=false --ip-masq=false --bridge=none --storage-driver=vfs \
      >"$dir/dockerd.log" 2>&1 &
    for _ in $(seq 1 150); do
      DOCKER_HOST=$sock docker info >/dev/null 2>&1 && break
      sleep 0.2
    done
    if ! DOCKER_HOST=$sock docker info >/dev/null 2>&1; then
      echo "test-dockerd: dockerd did not start (see $dir/dockerd.log); docker tests will be skipped" >&2
      exit 0
    fi
  fi
  if ! DOCKER_HOST=$sock docker image inspect "$image" >/dev/null 2>&1; then
    root=$(mktemp -d)
    chmod 755 "$root"
    mkdir -p -m 755 "$root/bin" "$root/etc" "$root/workspace" "$root/run" "$root/run/hardshell"
    mkdir -p -m 1777 "$root/tmp"
    cp "$(command -v busybox)" "$root/bin/busybox"
    for applet in $(busybox --list); do [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"; done
    printf 'root:x:0:0::/root:/bin/sh\nsandbox:x:1000:1000::/tmp:/bin/sh\n' >"$root/etc/passwd"
    printf 'root:x:0:\nsandbox:x:1000:\n' >"$root/etc/group"
    tar -C "$root" -c . | DOCKER_HOST=$sock docker import -c 'ENV PATH=/bin' - "$image:latest" >/dev/null
    rm -rf "$root"
  fi
  echo "export DOCKER_HOST=$sock HARDSHELL_TEST_IMAGE=$image"
  ;;
stop)
  if [ -f "$dir/dockerd.pid" ]; then
    pid=$(cat "$dir/dockerd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop" >&2
  exit 2
  ;;
esac
