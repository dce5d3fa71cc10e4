#!/usr/bin/env bash
# Fuzzes the live central against its own OpenAPI document with Schemathesis:
# a demo central on loopback (a fresh database), every operation called as
# its callers call it (a terminal, the demo web channel), with generated and
# mutated data. Fails on any 5xx, any status the document does not list, and
# any answer that breaks its documented schema or content type.
#
#   tests/fuzz/run.sh [MAX_EXAMPLES]     (default 200; make fuzz-smoke uses 15)
#
# Needs target/debug/boxoffice-central (cargo build -p boxoffice-central) and
# .venv-fuzz (made from tests/fuzz/requirements.txt by the Makefile).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
examples="${1:-200}"
bin="${BOXOFFICE_BIN_DIR:-$root/target/debug}/boxoffice-central"
st="$root/.venv-fuzz/bin/schemathesis"
[ -x "$bin" ] || { echo "error: $bin is missing: cargo build -p boxoffice-central" >&2; exit 1; }
[ -x "$st" ] || { echo "error: $st is missing: make fuzz-deps" >&2; exit 1; }

dir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$bin" serve --demo --db "$dir/central.sqlite" --listen "127.0.0.1:$port" >"$dir/central.log" 2>&1 &
central=$!
cleanup() {
  kill "$central" 2>/dev/null || true
  wait "$central" 2>/dev/null || true
  if [ "${keep:-0}" = 1 ]; then echo "central's files kept in $dir" >&2; else rm -rf "$dir"; fi
}
trap cleanup EXIT
for _ in $(seq 1 200); do
  curl -fsS "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/v1/health" >/dev/null || { keep=1; cat "$dir/central.log" >&2; exit 1; }

url="http://127.0.0.1:$port"
channel="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["channel"])' "$dir/central.sqlite.web-key")"
key_header="authorization: Bearer $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key"])' "$dir/central.sqlite.web-key")"
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
common=(--url "$url" --checks "$checks" --max-examples "$examples" --phases examples,coverage,fuzzing
        --seed 20261205 --workers 1 --suppress-health-check all --no-color)
# One worker: Python 3.11's ast module is not safe across threads (a
# "recursion depth mismatch" SystemError inside the fuzzer with two).

status=0
# Schemathesis keeps a cache in the working directory: keep it in the temp dir.
cd "$dir"
echo "== as terminal dxb-marina-t1"
"$st" run "$url/v1/openapi.json" "${common[@]}" \
  -H "x-boxoffice-terminal: dxb-marina-t1" \
  --exclude-operation-id createWebSale || status=1
echo "== as web channel $channel"
"$st" run "$url/v1/openapi.json" "${common[@]}" \
  -H "x-boxoffice-web-channel: $channel" -H "$key_header" \
  --include-operation-id createWebSale \
  --include-operation-id listSites \
  --include-operation-id getSeatStates || status=1
if grep -q "panicked" "$dir/central.log"; then
  echo "error: central panicked:" >&2
  grep -A3 "panicked" "$dir/central.log" >&2
  status=1
fi
[ "$status" = 0 ] || keep=1
exit "$status"
