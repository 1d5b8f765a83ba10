#!/usr/bin/env bash
# Installs the system programs the tests start for real (Debian packages) when they are missing:
#   dnsmasq (dnsmasq-base)  a DNS server on loopback for "epistola keys fetch"
#   chromium                the browser the web reader's tests drive (playwright-core, /usr/bin/chromium)
#   nginx                   the four "data centres" of the mirror tests, the load balancer of the web nodes
#   postgresql              the PostgreSQL store's tests start their own server (initdb on loopback)
#   wrk, notmuch, mu, time  the peers and tools of the benchmarks, run at CI size by test/e2e/benchScripts.test.ts
#   zip                     builds the zip files (encrypted ones too) of test/e2e/leakFormats.test.ts
#   7zip                    7-Zip (7zz): ingest reads .7z archives with it, entry by entry
#   unar                    The Unarchiver (lsar, unar): ingest reads .rar archives with it (Debian's 7-Zip has no RAR codec)
#   python3-gmpy2           GMP for Python: "epistola keys recover" computes its GCDs with it
#   tesseract-ocr (+eng, fra), poppler-utils   OCR of images and scanned PDF pages (extract), pdftotext for the benchmark
#   python3-libzim          libzim for Python: "epistola export --zim" writes the ZIM file with it
#   zim-tools, kiwix-tools  zimcheck and kiwix-serve: the ZIM edition's test checks the file and serves it
#   python3-dkim            dkimpy: the test runs the about page's recipe (static/verify-dkim.py) as a reader would
# Run as root (CI, containers) or with sudo available; otherwise it says what to install.
set -euo pipefail
need=()
command -v dnsmasq >/dev/null 2>&1 || [ -x /usr/sbin/dnsmasq ] || need+=(dnsmasq-base)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/nginx ] || need+=(nginx)
compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || need+=(postgresql)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v notmuch >/dev/null 2>&1 || need+=(notmuch)
command -v mu >/dev/null 2>&1 || need+=(maildir-utils)
[ -x /usr/bin/time ] || need+=(time)
command -v zip >/dev/null 2>&1 || need+=(zip)
command -v 7zz >/dev/null 2>&1 || need+=(7zip)
command -v lsar >/dev/null 2>&1 || need+=(unar)
/usr/bin/python3 -c 'import gmpy2' >/dev/null 2>&1 || need+=(python3-gmpy2)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
/usr/bin/python3 -c 'import libzim' >/dev/null 2>&1 || need+=(python3-libzim)
command -v zimcheck >/dev/null 2>&1 || need+=(zim-tools)
command -v kiwix-serve >/dev/null 2>&1 || need+=(kiwix-tools)
/usr/bin/python3 -c 'import dkim' >/dev/null 2>&1 || need+=(python3-dkim)
[ ${#need[@]} -eq 0 ] && exit 0
echo "system-deps: installing ${need[*]} (Debian packages the tests need)" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
  echo "system-deps: not root and no sudo: install ${need[*]} yourself (apt-get install ${need[*]})" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}" >/dev/null; }
