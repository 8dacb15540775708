#!/usr/bin/env bash
# Installs what sailau needs, idempotently: Debian packages (when missing and we can
# install them) and the npm packages of package-lock.json (when node_modules is stale).
set -euo pipefail
cd "$(dirname "$0")/.."
quiet=0; [ "${1:-}" = "--quiet" ] && quiet=1
say() { [ $quiet = 1 ] || echo "setup: $*"; }

# Debian packages: PC/SC daemon + virtual reader for the card writer, serial pty pairs,
# headers for the smart-card binding, a font with the Kazakh letters for the printed
# protocol, and pdftotext to check it.
debs=(pcscd vsmartcard-vpcd libpcsclite-dev pcsc-tools opensc socat fonts-dejavu-core poppler-utils)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ]; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
  else
    echo "setup: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# npm packages: reinstall when the lock file is newer than the last install.
stamp=node_modules/.sailau-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
say "ready"
