#!/usr/bin/env bash
# The security review's login flood (issue 10, finding 1), measured on the real Bun server over loopback.
#
#   bash bench/login-flood.sh             # one address: 200 concurrent wrong logins for one unknown name
#   bash bench/login-flood.sh distributed # 200 addresses and 200 names (X-Forwarded-For, trusted for this run)
#   ROUNDS=5 bash bench/login-flood.sh    # more rounds (default 3)
#   bash bench/login-flood.sh burst       # no flood: 10 people logging in at once (distinct names and addresses)
#   QUEUED=0 bash bench/login-flood.sh distributed  # another line length for password checks (bench/login-flood-server.ts)
#
# Half a second into the flood it sends a correct login (user / password) and times it; until the flood
# is answered it times a GET /test/session/set (one HMAC) every 0.2 s. Each round prints the correct login's
# status and time, the median and worst of the GETs, how long the flood took, and its status codes.
# The correct login comes from another address than the flood (127.0.0.2 on loopback, or its own
# X-Forwarded-For), as a real user's would. It starts its own server on $PORT and stops it by its process id.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-single}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-3999}
B="http://127.0.0.1:$PORT"
OUT=$(mktemp -d)

if [ "$MODE" != single ]; then export TRUSTED_PROXY_HEADER=X-Forwarded-For; fi
ENTRY=src/entries/bun.ts
if [ -n "${QUEUED:-}" ]; then ENTRY=bench/login-flood-server.ts; fi
SESSION_SECRET=flood-secret-0123456789-abcdefghijklmn PORT=$PORT HOST=127.0.0.1 bun "$ENTRY" >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "$B/login" && break; sleep 0.05; done

GOOD=(--interface 127.0.0.2)
if [ "$MODE" = distributed ]; then GOOD=(-H 'X-Forwarded-For: 10.255.255.1'); fi

if [ "$MODE" = burst ]; then
  # Each a wrong password, so that every answer shows whether the check ran (401) or was refused (503).
  for round in $(seq "$ROUNDS"); do
    rm -f "$OUT"/burst.*
    for i in $(seq "${BURST:-10}"); do
      curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST "$B/login" -H "X-Forwarded-For: 10.200.$round.$i" \
        -d "username=person$round-$i&password=x" >"$OUT/burst.$i" &
    done
    wait $(jobs -p | grep -v "^$SERVER\$") 2>/dev/null || true
    cat "$OUT"/burst.* | sort -k2 -g | awk -v round="$round" '{n[$1]++; t=$2} END {printf "round %s (burst): ", round; for (c in n) printf "%s×%s ", n[c], c; printf "; slowest answer %.0f ms\n", t*1000}'
  done
  exit 0
fi

for round in $(seq "$ROUNDS"); do
  rm -f "$OUT"/flood.* "$OUT/probes"
  FLOOD=()
  started=$(date +%s.%N)
  for i in $(seq 200); do
    if [ "$MODE" = distributed ]; then
      curl -s -o /dev/null -w '%{http_code}\n' -X POST "$B/login" -H "X-Forwarded-For: 10.$round.$((i / 250)).$((i % 250))" \
        -d "username=nobody$round-$i&password=x" >"$OUT/flood.$i" &
    else
      curl -s -o /dev/null -w '%{http_code}\n' -X POST "$B/login" -d 'username=nobody&password=x' >"$OUT/flood.$i" &
    fi
    FLOOD+=($!)
  done
  sleep 0.5
  curl -s -o /dev/null -w '%{http_code} in %{time_total} s' "${GOOD[@]}" -X POST "$B/login" -d 'username=user&password=password' >"$OUT/login" &
  LOGIN=$!
  # Probe the session's HMAC while any of the flood is unanswered (at least once).
  while :; do
    curl -s -o /dev/null -w '%{time_total}\n' "$B/test/session/set" >>"$OUT/probes"
    alive=0
    for pid in "${FLOOD[@]}"; do if kill -0 "$pid" 2>/dev/null; then alive=1; break; fi; done
    [ "$alive" = 1 ] || break
    sleep 0.2
  done
  wait "${FLOOD[@]}" || true
  flood_s=$(awk -v now="$(date +%s.%N)" -v then="$started" 'BEGIN { print now - then }')
  wait "$LOGIN" || true
  codes=$(cat "$OUT"/flood.* | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')
  probes=$(sort -g "$OUT/probes" | awk '{a[NR]=$1} END {printf "%d GETs, median %.1f ms, worst %.1f ms", NR, a[int((NR+1)/2)]*1000, a[NR]*1000}')
  printf 'round %s (%s): correct login → %s; GET /test/session/set during the flood: %s; flood answered in %.1f s: %s\n' \
    "$round" "$MODE" "$(cat "$OUT/login")" "$probes" "$flood_s" "$codes"
done
