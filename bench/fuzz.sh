#!/usr/bin/env bash
# Longer runs of the two fuzz tests that npm test runs at CI size (fixed seeds, bounded):
#   the HTTP fuzz over every route of the server's route table (test/e2e/httpFuzz.test.ts), and
#   the ingest mutation fuzz over the real corpus (test/corpus/ingestFuzz.test.ts, needs ../shared/corpus).
# Usage: bash bench/fuzz.sh [http-requests] [ingest-mutants]     (defaults: 20000 and 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
npm run build --silent
EPISTOLA_FUZZ_REQUESTS="${1:-20000}" node --test --test-reporter=spec dist/test/e2e/httpFuzz.test.js
EPISTOLA_FUZZ_MUTANTS="${2:-5000}" node --test --test-reporter=spec dist/test/corpus/ingestFuzz.test.js
