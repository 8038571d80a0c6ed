#!/usr/bin/env bash
# Installs the system packages the tests need, only when something is missing.
set -euo pipefail
need=()
command -v git >/dev/null || need+=(git)
if ((${#need[@]})); then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
