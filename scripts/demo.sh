#!/usr/bin/env bash
# make demo: start unitysvc-local, apply examples/demo with OpenTofu and the
# freshly built provider, route requests through the gateway, read their
# logs, destroy everything and stop the server. It ends with a short
# summary; VERBOSE=1 prints tofu's full plans and outputs as well. No
# colour unless stdout is a terminal.
set -euo pipefail
: "${TOFU:?set TOFU to the tofu binary (make demo does)}"
root=$(cd "$(dirname "$0")/.." && pwd)
api_addr=${DEMO_API_ADDR:-127.0.0.1:18000}
gw_addr=${DEMO_GATEWAY_ADDR:-127.0.0.1:18001}
verbose=${VERBOSE:-}
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

color=(-no-color)
bold='' plain=''
if [ -t 1 ]; then
  color=()
  bold=$'\033[1m' plain=$'\033[0m'
fi
step() { echo; echo "${bold}==> $*${plain}"; }
# quietly runs a command, keeping its output in $work/last.log: printed in
# full with VERBOSE=1, or when the command fails.
# A failure's exit code is kept (plan -detailed-exitcode answers 2).
quietly() {
  if [ -n "$verbose" ]; then "$@" | tee "$work/last.log"; return "${PIPESTATUS[0]}"; fi
  local code=0
  "$@" >"$work/last.log" 2>&1 || code=$?
  [ "$code" = 0 ] || [ "$code" = 2 ] || cat "$work/last.log"
  return "$code"
}

step "Starting unitysvc-local (API $api_addr, gateway $gw_addr, in memory)"
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
[ -n "$verbose" ] && grep -v "msg=request" "$work/server.log"

cat > "$work/tofurc" <<RC
provider_installation {
  dev_overrides {
    "registry.opentofu.org/unitysvc/unitysvc"  = "$root/bin"
    "registry.terraform.io/unitysvc/unitysvc" = "$root/bin"
  }
  direct {}
}
RC
mkdir -p "$work/demo" && cp -r "$root/examples/demo/." "$work/demo/"
export TF_CLI_CONFIG_FILE="$work/tofurc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export UNITYSVC_API_URL="http://$api_addr/v1" UNITYSVC_API_BASE_URL="http://$gw_addr" UNITYSVC_API_KEY=svcpass_local_demo
tofu() { "$TOFU" -chdir="$work/demo" "$@"; }
requests() { grep -c 'msg=request' "$work/server.log" || true; }

step "tofu apply (examples/demo: the SDK tutorial as configuration)"
quietly tofu apply -auto-approve -input=false -compact-warnings "${color[@]}"
grep -E '^Apply complete' "$work/last.log" || true
resources=$(tofu state list | grep -vc '^data\.' || true)
datasources=$(tofu state list | grep -c '^data\.' || true)

step "Re-plan: nothing to change"
before=$(requests)
set +e
quietly tofu plan -input=false -detailed-exitcode -compact-warnings "${color[@]}"
code=$?
set -e
after=$(requests)
# Exit code 2 only for the check block's data source, which tofu always
# reads again at apply: no resource changes.
if [ "$code" = 0 ] || { [ "$code" = 2 ] && grep -q 'Plan: 0 to add, 0 to change, 0 to destroy' "$work/last.log"; }; then
  echo "No changes: every resource matches the configuration."
else
  cat "$work/last.log"; echo "The re-plan is not clean." >&2; exit 1
fi
calls=$((after - before))
echo "The refresh made $calls API calls for $resources resources and $datasources data sources:"
echo "  at most one GET per resource (request logging has nothing to read; a collection member is read from"
echo "  its collection's member list), and what the data sources read (a service looked up by name costs 4"
echo "  calls: lookup, detail, usage and interfaces; a group, a resolve or a log listing costs 1)."
if [ -n "$verbose" ]; then
  echo "The calls, in order:"
  sed -n "$((before + 1)),${after}p" <(grep 'msg=request' "$work/server.log") | sed -E 's/.*method=([A-Z]+) path=([^ ]+).*/    \1 \2/'
fi

step "Requests through the gateway ($UNITYSVC_API_BASE_URL)"
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
chat='{"model":"fast-gpt","messages":[{"role":"user","content":"Hello from make demo"}]}'

out=$(http_call POST "$gw_addr" /g/my-llms/v1/chat/completions "$chat")
collection_by=$(answered_by <<<"$out")
echo "POST /g/my-llms/v1/chat/completions (model fast-gpt): HTTP $(status_of <<<"$out"), answered by $collection_by"
[ -n "$verbose" ] && grep -o '"content":"[^"]*"' <<<"$out" | sed 's/^/    /'

out=$(http_call POST "$gw_addr" /c/llm-failover/v1/chat/completions "$chat")
chain_step=$(grep -i '^X-Unitysvc-Chain-Step:' <<<"$out" | cut -d' ' -f2 | tr -d '\r')
chain_by=$(answered_by <<<"$out")
echo "POST /c/llm-failover/v1/chat/completions: HTTP $(status_of <<<"$out"), step '$chain_step' answered, by $chain_by"

out=$(http_call POST "$gw_addr" /b/eval-fanout/v1/chat/completions '{"messages":[{"role":"user","content":"Hello, everyone"}]}')
echo "POST /b/eval-fanout/v1/chat/completions: HTTP $(status_of <<<"$out")"
paste -d' ' <(grep -o '"name":"[^"]*"' <<<"$out" | cut -d'"' -f4) <(answered_by <<<"$out") | sed 's/^\([^ ]*\) /    target \1 answered by /'

# svc.cached(_ttl="1h").dispatch(json=...) in the SDK: the memoize wrapper
# m/ in front of the bare collection path, sent twice.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
body_of() { sed '1,/^\r$/d'; }
cache_of() { grep -i '^X-Unitysvc-Cache:' | cut -d' ' -f2 | tr -d '\r'; }
question='{"model":"fast-gpt","messages":[{"role":"user","content":"What is 6 x 7?"}]}'
t0=$(now_ms); first=$(http_call POST "$gw_addr" "/m/g/my-llms?_ttl=1h" "$question"); miss_ms=$(($(now_ms) - t0))
t0=$(now_ms); second=$(http_call POST "$gw_addr" "/m/g/my-llms?_ttl=1h" "$question"); hit_ms=$(($(now_ms) - t0))
miss=$(cache_of <<<"$first") hit=$(cache_of <<<"$second")
same=different; [ "$(body_of <<<"$first")" = "$(body_of <<<"$second")" ] && same=same
echo "POST /m/g/my-llms?_ttl=1h twice (a cached call): HTTP $(status_of <<<"$first") $miss in $miss_ms ms, then HTTP $(status_of <<<"$second") $hit in $hit_ms ms ($same answer)"
[ "$miss/$hit/$same" = "miss/hit/same" ] || { echo "the cached call did not miss then hit with the same answer" >&2; exit 1; }

step "The request logs, read back through the provider (tofu apply -refresh-only)"
quietly tofu apply -refresh-only -auto-approve -input=false -compact-warnings "${color[@]}"
tofu output -raw recent_requests | sed 's/^/    /'
echo
echo "    (one row per upstream attempt: the chain's primary timing out, then its fallback; the cached call's"
echo "    hit is logged without an upstream attempt)"
if [ -n "$verbose" ]; then
  step "Every output"
  tofu output "${color[@]}"
fi

step "tofu destroy"
quietly tofu destroy -auto-approve -input=false -compact-warnings "${color[@]}"
grep -E '^Destroy complete' "$work/last.log" || true

step "Summary"
cat <<SUMMARY
Created, re-planned clean and destroyed against unitysvc-local: $resources resources and $datasources data sources —
  secrets and a BYOK enrollment, the collection my-llms with 2 members, the alias default-llm, the failover chain
  llm-failover, the broadcast eval-fanout, a recurrent health check, request logging, and a routing check.
Gateway URLs (while it ran):
  http://$gw_addr/g/my-llms      answered by $collection_by
  http://$gw_addr/c/llm-failover step '$chain_step' answered, by $chain_by
  http://$gw_addr/b/eval-fanout  every target answered
  http://$gw_addr/m/g/my-llms?_ttl=1h  $miss in $miss_ms ms, then $hit in $hit_ms ms
A refresh made $calls API calls: at most one per resource, plus what the data sources read (VERBOSE=1 lists them).
VERBOSE=1 make demo prints the full plans, the outputs and the answers.
SUMMARY
