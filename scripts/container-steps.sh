#!/usr/bin/env bash
# The container's build and start steps, kept in one script so they are tested without Docker:
# the Dockerfile runs `build` and `start`, its HEALTHCHECK runs `healthcheck`, and CI runs `ci`,
# which does install -> build -> migrate -> start -> /readyz in a clean copy of the repository.
#
#   scripts/container-steps.sh build            install, compile, drop dev dependencies
#   scripts/container-steps.sh start [command]  migrate (MAILROOM_MIGRATE_ON_START, default true), then exec `mailroom command` (default serve)
#   scripts/container-steps.sh healthcheck      exit 0 when MAILROOM_HEALTHCHECK_URL (default http://127.0.0.1:$PORT/readyz) answers 2xx
#   scripts/container-steps.sh ci               the whole sequence in a temporary clean copy (git archive HEAD)
set -euo pipefail
cd "$(dirname "$0")/.."

step="${1:-}"
[ $# -gt 0 ] && shift

case "$step" in
  build)
    # `npm install`, not `npm ci`: see README (the lock cannot list every platform build).
    npm install --no-audit --no-fund
    npm run build
    npm prune --omit=dev --no-audit --no-fund
    ;;

  start)
    if [ "${MAILROOM_MIGRATE_ON_START:-true}" = "true" ]; then
      node dist/cli/main.js migrate
    fi
    if [ $# -eq 0 ]; then set -- serve; fi
    exec node dist/cli/main.js "$@"
    ;;

  healthcheck)
    url="${MAILROOM_HEALTHCHECK_URL:-http://127.0.0.1:${PORT:-3000}/readyz}"
    exec node -e '
      const url = process.argv[1];
      fetch(url, { signal: AbortSignal.timeout(4000) }).then(
        (r) => process.exit(r.ok ? 0 : 1),
        (e) => { console.error(`healthcheck ${url}: ${e.message}`); process.exit(1); },
      );' "$url"
    ;;

  ci)
    work="$(mktemp -d)"
    # Only a server still running is stopped: `kill 0` would signal this whole process group (CI's runner too).
    trap 'if [ -n "${server:-}" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
    git archive HEAD | tar -x -C "$work"
    echo "container steps in a clean copy: $work"
    (cd "$work" && bash scripts/container-steps.sh build)
    port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
    export PORT="$port" HOST=127.0.0.1 NODE_ENV=production SMTP_URL=capture MAILROOM_WORKERS=1
    export DATABASE_URL="${CONTAINER_STEPS_DATABASE_URL:-sqlite:$work/data/mailroom.db}"
    (cd "$work" && exec bash scripts/container-steps.sh start serve) &
    server=$!
    for _ in $(seq 1 120); do
      if (cd "$work" && bash scripts/container-steps.sh healthcheck 2>/dev/null); then
        echo "ready: $(curl -s "http://127.0.0.1:$port/readyz" 2>/dev/null || node -e "fetch('http://127.0.0.1:$port/readyz').then(r=>r.text()).then(console.log)")"
        kill -TERM "$server"
        wait "$server" || { echo "server did not stop cleanly"; exit 1; }
        server=
        echo "container steps: ok"
        exit 0
      fi
      if ! kill -0 "$server" 2>/dev/null; then echo "server exited before it was ready"; exit 1; fi
      sleep 1
    done
    echo "server not ready after 120 s"
    exit 1
    ;;

  *)
    echo "usage: scripts/container-steps.sh build | start [command] | healthcheck | ci" >&2
    exit 2
    ;;
esac
