#!/usr/bin/env bash
# Installs the Debian packages that klarbrev's build, tests and sample letter need, and the browser tests' node
# modules (tests/web: npm ci, when node_modules is missing or older than package-lock.json).
# Idempotent: when everything is present it prints nothing and exits 0.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libzip-dev zlib1g-dev zipcmp unzip libxml2-dev libxml2-utils libjansson-dev liblua5.4-dev lua5.4
  libhunspell-dev hunspell hunspell-da
  libreoffice-writer-nogui python3-uno poppler-utils python3
  libmicrohttpd-dev curl openssl python3-yaml systemd wrk
  clang libclang-rt-14-dev valgrind
  chromium nodejs
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# npm comes with NodeSource's nodejs; Debian's nodejs needs the npm package beside it
if ! command -v npm >/dev/null 2>&1 && ! printf '%s\n' "${missing[@]}" | grep -qx nodejs; then
  missing+=(npm)
fi

sudo=""
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 2; }
    sudo="sudo"
  fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if ! command -v npm >/dev/null 2>&1; then
    $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
fi

# ---- tests/web: puppeteer-core and axe-core as package-lock.json pins them (no browser download: the tests use
# Debian's chromium). npm ci writes node_modules/.package-lock.json, so a lock file changed since is seen.
web="$(cd "$(dirname "$0")/.." && pwd)/tests/web"
if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
  echo "install-deps: npm ci in tests/web" >&2
  # without the npm registry the rest still installs (the sample letter needs none of this); the browser test then
  # says node_modules is missing
  (cd "$web" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    echo "install-deps: npm ci in tests/web failed; the browser test (ctest -L web) needs it: run scripts/install-deps.sh again when the npm registry can be reached" >&2
fi
