#!/usr/bin/env bash
# System packages clerk's demo and tests need: installed through apt-get when
# running as root, otherwise named so the operator can install them.
set -euo pipefail

declare -A needs=(
  [chromium]="chromium"
  [dovecot]="dovecot-imapd"
  [tesseract]="tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra"
  [fc-list]="fonts-dejavu-core"
)
probe() {
  case "$1" in
    chromium) command -v chromium >/dev/null || command -v chromium-browser >/dev/null ;;
    dovecot) [ -x /usr/sbin/dovecot ] ;;
    tesseract) command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -q '^deu$' && tesseract --list-langs 2>/dev/null | grep -q '^fra$' ;;
    fc-list) [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] ;;
  esac
}

missing=()
for tool in "${!needs[@]}"; do
  probe "$tool" || missing+=(${needs[$tool]})
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts the system Dovecot on install; clerk runs its own private instances.
  exit 0
fi
echo "clerk needs these system packages: ${missing[*]}" >&2
echo "install them with: sudo apt-get install ${missing[*]}" >&2
exit 1
