#!/usr/bin/env bash
# Installs the system packages the tests need, only when something is missing. It does not start
# system services: each test harness starts its own instance on loopback in a temporary folder.
set -euo pipefail
need=()
command -v git >/dev/null || need+=(git)
command -v prometheus >/dev/null || need+=(prometheus)
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null || need+=(prometheus-alertmanager)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  # policy-rc.d keeps Debian's maintainer scripts from starting the packaged services.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u)
  rm -f /usr/sbin/policy-rc.d
fi
