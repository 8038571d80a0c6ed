#!/usr/bin/env bash
# Installs the system packages the tests need (Prometheus with promtool, Alertmanager, the PostgreSQL
# server, git, Chromium for the reports' Mermaid test), only when a binary is missing, so a second run
# changes nothing. It never starts the system services: each test harness starts its own instance on
# loopback in a temporary folder.
set -euo pipefail

# Root in a container; a CI runner's user goes through sudo.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then as_root=(sudo -n); else
    echo "services.sh: not root and no sudo; install prometheus prometheus-alertmanager postgresql chromium by hand" >&2
    exit 1
  fi
fi

need=()
command -v git >/dev/null || need+=(git)
# jq: the notify recipes (docs/recipes/notify.md) build their API bodies with it, and their test runs them.
command -v jq >/dev/null || need+=(jq)
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null || need+=(prometheus-alertmanager)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# The browser that renders the reports' Mermaid blocks (action/test/report/legible.test.ts).
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || need+=(chromium)

if ((${#need[@]} == 0)); then
  echo "services.sh: prometheus, promtool, alertmanager, PostgreSQL, git, jq and chromium are present"
  exit 0
fi

packages=$(printf '%s\n' "${need[@]}" | sort -u | tr '\n' ' ')
echo "services.sh: installing ${packages}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update
# policy-rc.d (exit 101) tells Debian's maintainer scripts not to start the packaged services.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${as_root[@]}" chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then "${as_root[@]}" rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT
# shellcheck disable=SC2086 # one word per package
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages

# Where systemd runs, a unit may have started despite policy-rc.d: stop those of the packages just installed.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  for unit in $packages; do
    [ "$unit" = git ] && continue
    "${as_root[@]}" systemctl stop "$unit" >/dev/null 2>&1 || true
  done
fi
