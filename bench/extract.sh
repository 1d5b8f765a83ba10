#!/usr/bin/env bash
# Attachment text extraction: Epistola against the usual reference tools, same files, same run.
#
#   bash bench/extract.sh [copies] [rounds]    # default 40 copies of each PDF, 3 rounds (needs ../shared)
#
# PDF text: the PDFs of Aleph's ingestor fixtures (../shared/corpus/peer-fixtures/aleph-ingest-file),
# each made distinct `copies` times (a comment after %%EOF, so every copy is read), attached to mail
# and ingested with --no-extract (not timed); then timed, as processes: `epistola extract --no-ocr`
# against `pdftotext` on the same files (one process per file, as a script would run it).
# OCR: the fixture images and the JBIG2 scan's pages; `epistola extract` (which runs tesseract
# itself) against `tesseract` on the same images (the scan's pages rendered by pdftoppm first,
# untimed for the peer, timed inside Epistola). Printed: min and median wall and CPU, and the ratio
# of each to the peer per round (> 1: Epistola took longer).
set -euo pipefail
cd "$(dirname "$0")/.."
COPIES=${1:-40}
ROUNDS=${2:-3}
FIX=../shared/corpus/peer-fixtures/aleph-ingest-file
WORK=${BENCH_DIR:-$(mktemp -d /tmp/epistola-extract.XXXXXX)}
export PATH="$PWD/node_modules/.bin:$PATH"
[ -d "$FIX" ] || { echo "needs ../shared (the corpus)" >&2; exit 2; }
command -v pdftotext >/dev/null && command -v tesseract >/dev/null || { echo "needs poppler-utils and tesseract-ocr (scripts/system-deps.sh)" >&2; exit 2; }
[ -n "${EPISTOLA_NO_BUILD:-}" ] || npm run --silent build

PDFS=(readme.pdf "500 pages.pdf" twopage.pdf the-dorset-food-menu.pdf example.pdf 106972554.pdf)
IMAGES=(regression_jpg.jpg regression_gif.gif regression_tiff.tiff regression_openjpeg.jp2 multipage_tiff_example.tif)
rm -rf "$WORK/pdf" "$WORK/img" "$WORK/pages" && mkdir -p "$WORK/pdf" "$WORK/img" "$WORK/pages"
for f in "${PDFS[@]}"; do for i in $(seq 1 "$COPIES"); do { cat "$FIX/$f"; printf '\n%% copy %s\n' "$i"; } >"$WORK/pdf/${f// /_}.$i.pdf"; done; done
for f in "${IMAGES[@]}"; do cp "$FIX/$f" "$WORK/img/"; done
cp "$FIX/jbig2.pdf" "$WORK/img/"
pdftoppm -r 200 -gray -png "$FIX/jbig2.pdf" "$WORK/pages/p"
node bench/attachFiles.mjs "$WORK/pdf" "$WORK/pdf-mail"
node bench/attachFiles.mjs "$WORK/img" "$WORK/img-mail"
echo "PDF: $(ls "$WORK/pdf" | wc -l) files, $(du -sm "$WORK/pdf" | cut -f1) MB; OCR: ${#IMAGES[@]} images + the 5 scanned pages of jbig2.pdf"

timed() { # label round cmd...
  local label=$1 round=$2
  shift 2
  /usr/bin/time -f "%e %U %S" -o "$WORK/t" "$@" >"$WORK/out" 2>&1 || { cat "$WORK/out" >&2; exit 1; }
  read -r wall user sys <"$WORK/t"
  echo "$label $round $wall $(awk "BEGIN {print $user + $sys}")" >>"$WORK/results"
}
rm -f "$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
  for set in pdf img; do
    rm -rf "$WORK/data-$set"
    node bin/epistola.js --data "$WORK/data-$set" ingest --no-extract --progress none "$WORK/$set-mail" >/dev/null
  done
  timed epistola-pdf "$round" node bin/epistola.js --data "$WORK/data-pdf" extract --no-ocr --progress none
  timed pdftotext "$round" sh -c 'for f in "$0"/*.pdf; do pdftotext "$f" - >/dev/null; done' "$WORK/pdf"
  timed epistola-ocr "$round" node bin/epistola.js --data "$WORK/data-img" extract --progress none --workers 1
  timed tesseract "$round" sh -c 'for f in "$0"/img/*.jpg "$0"/img/*.gif "$0"/img/*.tiff "$0"/img/*.jp2 "$0"/img/*.tif "$0"/pages/*.png; do tesseract "$f" - -l eng+fra >/dev/null 2>&1; done' "$WORK"
done
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const by = (t) => rows.filter((r) => r[0] === t).map((r) => ({ round: r[1], wall: +r[2], cpu: +r[3] }));
const min = (a) => Math.min(...a), med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
for (const [ours, peer] of [["epistola-pdf", "pdftotext"], ["epistola-ocr", "tesseract"]]) {
  for (const t of [ours, peer]) { const r = by(t); console.log(`${t.padEnd(14)} wall min ${min(r.map((x) => x.wall)).toFixed(2)} s, median ${med(r.map((x) => x.wall)).toFixed(2)} s; cpu median ${med(r.map((x) => x.cpu)).toFixed(2)} s`); }
  const ratios = by(ours).map((o) => o.wall / by(peer).find((p) => p.round === o.round).wall);
  console.log(`  ${ours} / ${peer}: wall ratio min ${min(ratios).toFixed(2)}, median ${med(ratios).toFixed(2)}`);
}' "$WORK/results"
