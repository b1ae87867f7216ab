#!/usr/bin/env bash
# Installs the Debian packages that klarbrev's build, tests and sample letter need.
# Idempotent: when everything is present it prints nothing and exits 0.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libzip-dev zlib1g-dev zipcmp unzip libxml2-dev libxml2-utils libjansson-dev liblua5.4-dev lua5.4
  libhunspell-dev hunspell hunspell-da
  libreoffice-writer-nogui python3-uno poppler-utils python3
  libmicrohttpd-dev curl openssl python3-yaml systemd wrk
  clang libclang-rt-14-dev valgrind
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
