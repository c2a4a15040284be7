#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser tests (test/browser), installing the
# `chromium` package when no Chromium is found, with `fonts-noto-color-emoji` so that the
# screenshots show the reports' emoji (a missing font is no failure). Prints the path of the
# executable.
# Environment: ASSET_DIFF_CHROMIUM names another executable (nothing is installed then).
set -euo pipefail
log() { echo "ci-chromium: $*" >&2; }
if [[ -n ${ASSET_DIFF_CHROMIUM:-} ]]; then
  [[ -x $ASSET_DIFF_CHROMIUM ]] || { log "error: ASSET_DIFF_CHROMIUM=$ASSET_DIFF_CHROMIUM is not an executable"; exit 1; }
  echo "$ASSET_DIFF_CHROMIUM"
  exit 0
fi
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo -n)
export DEBIAN_FRONTEND=noninteractive
if [[ ! -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]]; then
  "${sudo[@]}" apt-get install -y -q fonts-noto-color-emoji >&2 || log "no emoji font: the screenshots show boxes for emoji"
fi
for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [[ -x $candidate ]]; then
    echo "$candidate"
    exit 0
  fi
done
log "installing Debian's chromium package"
"${sudo[@]}" apt-get install -y -q chromium >&2 || {
  "${sudo[@]}" apt-get update -q >&2
  "${sudo[@]}" apt-get install -y -q chromium >&2
}
[[ -x /usr/bin/chromium ]] || { log "error: the chromium package installed no /usr/bin/chromium"; exit 1; }
echo /usr/bin/chromium
