#!/usr/bin/env bash
# Install the Debian packages nhiemvu needs, if they are missing: Tesseract and its Vietnamese model
# (OCR) with its headers (tesserocr is compiled against them), LibreOffice Writer without its GUI
# (.doc/.rtf/.odt are converted to .docx), DejaVu fonts (the tests draw PDFs with Vietnamese text),
# and Chromium (the test that opens report.html headless, offline).
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-vie libtesseract-dev libleptonica-dev pkg-config libreoffice-writer-nogui
  fonts-dejavu-core chromium)
missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo="sudo -n"
else
  echo "Please install: ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
