#!/usr/bin/env bash
# Every test: unit + integration (vitest, real database, sandbox over HTTP) and end-to-end (Playwright, Chromium).
# With DATABASE_URL set, tests create throwaway databases on that PostgreSQL server; otherwise they use PGlite.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
bash scripts/ensure-chromium.sh
# The integration and e2e tests run the production build, like an operator would.
npx next build >/tmp/portal-next-build.log 2>&1 || { cat /tmp/portal-next-build.log; exit 1; }
echo "next build: ok"
npx vitest run
npx playwright test
