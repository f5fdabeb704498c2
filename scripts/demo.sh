#!/usr/bin/env bash
# make demo: start unitysvc-local, apply examples/demo with OpenTofu and the
# freshly built provider, show what was created, destroy it, stop the server.
set -euo pipefail
: "${TOFU:?set TOFU to the tofu binary (make demo does)}"
root=$(cd "$(dirname "$0")/.." && pwd)
api_addr=${DEMO_API_ADDR:-127.0.0.1:18000}
gw_addr=${DEMO_GATEWAY_ADDR:-127.0.0.1:18001}
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> Starting unitysvc-local on $api_addr (gateway $gw_addr)"
"$root/bin/unitysvc-local" --in-memory --verbose --api-addr "$api_addr" --gateway-addr "$gw_addr" >"$work/server.log" 2>&1 &
server_pid=$!
# Wait until it says it is running; fail if it exits (a busy port, say).
for _ in $(seq 1 100); do
  grep -q "is running" "$work/server.log" 2>/dev/null && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$work/server.log"; echo "unitysvc-local did not start (set DEMO_API_ADDR / DEMO_GATEWAY_ADDR to free ports)" >&2; exit 1
  fi
  sleep 0.1
done
grep -v "msg=request" "$work/server.log"

cat > "$work/tofurc" <<RC
provider_installation {
  dev_overrides {
    "registry.opentofu.org/unitysvc/unitysvc"  = "$root/bin"
    "registry.terraform.io/unitysvc/unitysvc" = "$root/bin"
  }
  direct {}
}
RC
cp -r "$root/examples/demo/." "$work/demo/" 2>/dev/null || { mkdir -p "$work/demo" && cp -r "$root/examples/demo/." "$work/demo/"; }
export TF_CLI_CONFIG_FILE="$work/tofurc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export UNITYSVC_API_URL="http://$api_addr/v1" UNITYSVC_API_BASE_URL="http://$gw_addr" UNITYSVC_API_KEY=svcpass_local_demo
tofu() { "$TOFU" -chdir="$work/demo" "$@"; }

echo
echo "==> tofu apply"
tofu apply -auto-approve -input=false -compact-warnings
echo
echo "==> What was created (tofu state list)"
tofu state list
echo
echo "==> Re-plan: expect no changes, and one API call per resource to refresh"
before=$(grep -c 'msg=request' "$work/server.log" || true)
tofu plan -input=false -detailed-exitcode -compact-warnings >/dev/null && echo "No changes. The infrastructure matches the configuration."
after=$(grep -c 'msg=request' "$work/server.log" || true)
resources=$(tofu state list | grep -vc '^data\.' || true)
datasources=$(tofu state list | grep -c '^data\.' || true)
echo "Refresh: $((after - before)) API calls for $resources resources and $datasources data sources."
echo
echo "==> The same objects, read back from the API"
curl_get() { # tiny HTTP GET without curl: bash /dev/tcp
  local host=${api_addr%:*} port=${api_addr#*:}
  exec 3<>"/dev/tcp/$host/$port"
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n' "$1" "$api_addr" "$UNITYSVC_API_KEY" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}
echo "--- GET /v1/secrets/"; curl_get /v1/secrets/; echo
echo "--- GET /v1/groups?owner=own"; curl_get "/v1/groups?owner=own"; echo
echo "--- GET /v1/chains/"; curl_get /v1/chains/
echo
echo "==> Requests through the gateway ($UNITYSVC_API_BASE_URL): who answered"
http_call() { # METHOD HOST:PORT PATH [BODY]: a tiny HTTP/1.0 client over bash /dev/tcp; prints headers and body
  local host=${2%:*} port=${2#*:} body=${4:-}
  exec 3<>"/dev/tcp/$host/$port"
  printf '%s %s HTTP/1.0\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
    "$1" "$3" "$2" "$UNITYSVC_API_KEY" "${#body}" "$body" >&3
  cat <&3
  exec 3<&-
}
answered_by() { grep -o '"system_fingerprint":"unitysvc-local/[^"]*"' | sed 's/.*unitysvc-local\///; s/"$//'; }
status_of() { head -1 | cut -d' ' -f2; }
http_call POST "$api_addr" /v1/request-logs/start >/dev/null
chat='{"model":"fast-gpt","messages":[{"role":"user","content":"Hello from make demo"}]}'

out=$(http_call POST "$gw_addr" /g/my-llms/v1/chat/completions "$chat")
echo "--- POST /g/my-llms/v1/chat/completions (model fast-gpt): HTTP $(status_of <<<"$out"), answered by $(answered_by <<<"$out")"
grep -o '"content":"[^"]*"' <<<"$out" | sed 's/^/    /'

out=$(http_call POST "$gw_addr" /c/llm-failover/v1/chat/completions "$chat")
step=$(grep -i '^X-Unitysvc-Chain-Step:' <<<"$out" | cut -d' ' -f2 | tr -d '\r')
echo "--- POST /c/llm-failover/v1/chat/completions: HTTP $(status_of <<<"$out"), step '$step' answered, by $(answered_by <<<"$out")"
logs=$(http_call GET "$api_addr" '/v1/request-logs?user_request_path=/c/llm-failover')
attempts=$(grep -o '"upstream_response_status_code":[0-9]*,"upstream_response_time_ms":[0-9.]*,"error_source":[^,]*,"error_type":[^,}]*' <<<"$logs" |
  tac | sed -E 's/.*_status_code":([0-9]+),.*"error_type":"?([^",]*)"?$/\1 \2/; s/ null$//' | paste -sd',' - | sed 's/,/, then /g')
echo "    request logs, one row per attempt: $attempts"

out=$(http_call POST "$gw_addr" /b/eval-fanout/v1/chat/completions '{"messages":[{"role":"user","content":"Hello, everyone"}]}')
echo "--- POST /b/eval-fanout/v1/chat/completions: HTTP $(status_of <<<"$out")"
paste -d' ' <(grep -o '"name":"[^"]*"' <<<"$out" | cut -d'"' -f4) <(answered_by <<<"$out") | sed 's/^\([^ ]*\) /    target \1 answered by /'
echo
echo "==> tofu destroy"
tofu destroy -auto-approve -input=false -compact-warnings
echo
echo "Demo finished: applied, re-planned clean, routed requests through the gateway, and destroyed against unitysvc-local."
