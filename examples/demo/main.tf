# The UnitySVC tutorial flow as configuration: browse, set the secrets a
# BYOK service needs, enroll, build a collection, and route over it. `make demo` runs it against
# unitysvc-local; point the provider at a real account to run it there.
terraform {
  required_providers {
    unitysvc = {
      source = "unitysvc/unitysvc"
    }
  }
}

# api_url, gateway_url and api_key come from UNITYSVC_API_URL,
# UNITYSVC_API_BASE_URL and UNITYSVC_API_KEY.
provider "unitysvc" {}

variable "my_provider_api_key" {
  description = "Your upstream key for the BYOK service (the demo's default is a placeholder)."
  type        = string
  sensitive   = true
  default     = "sk-demo-not-a-real-key"
}

# 1. Browse: the llm group and its services.
data "unitysvc_group" "llm" {
  name = "llm"
}

data "unitysvc_group_services" "llm" {
  group = data.unitysvc_group.llm.name
}

# 2. A BYOK service: what does using it take?
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

# 3. Create every secret it requires.
resource "unitysvc_secret" "required" {
  for_each = toset(data.unitysvc_service.byok.required_secrets)
  name     = each.value
  # Write-only: the key is sent to the API but never stored in state.
  value_wo         = var.my_provider_api_key
  value_wo_version = 1
  description      = "Required by ${data.unitysvc_service.byok.name}"
}

# 4. Enroll in it with your own endpoint and key (BYOK). Apply waits
#    until the enrollment is active.
resource "unitysvc_enrollment" "byok" {
  service_id                      = data.unitysvc_service.byok.id
  parameters                      = { endpoint = "https://llm.example.com/v1" }
  sensitive_parameters_wo         = { api_key = var.my_provider_api_key }
  sensitive_parameters_wo_version = 1
  depends_on                      = [unitysvc_secret.required]
}

# 5. A collection of your own, reachable at /g/my-llms, with two members:
#    gpt-4o-mini under the routing key your apps use, and the BYOK service.
data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

resource "unitysvc_collection" "my_llms" {
  name         = "my-llms"
  display_name = "My LLMs"
  description  = "What our apps call: fast-gpt and my-model"
}

resource "unitysvc_collection_member" "fast_gpt" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast-gpt" }
}

resource "unitysvc_collection_member" "byok" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = unitysvc_enrollment.byok.service_id
  sort_order    = 1
}

# 6. Routing objects: an alias for the collection, a failover chain and a
#    fan-out broadcast across providers.
resource "unitysvc_alias" "default_llm" {
  name        = "default-llm"
  target_path = unitysvc_collection.my_llms.gateway_path
}

# The chain gives the primary 200 ms to answer, then fails over to the
# collection. (On unitysvc-local claude-sonnet-4 takes about 420 ms, so
# the demo's requests fail over.)
data "unitysvc_service" "sonnet" {
  group = "llm"
  name  = "claude-sonnet-4"
}

resource "unitysvc_chain" "llm_failover" {
  name = "llm-failover"
  steps = [
    { name = "primary", target_path = "p/${data.unitysvc_service.sonnet.id}", timeout_ms = 200, on_failure = "continue" },
    { name = "fallback", target_path = unitysvc_collection.my_llms.gateway_path, on_success = "stop" },
  ]
}

resource "unitysvc_broadcast" "eval_fanout" {
  name = "eval-fanout"
  targets = [
    { name = "fast", target_path = unitysvc_collection.my_llms.gateway_path, routing_key_override = { model = "fast-gpt" } },
    { name = "llm", target_path = "g/llm" },
  ]
}

# 7. A health check every 5 minutes.
resource "unitysvc_recurrent_request" "health" {
  name             = "my-llms-health"
  request_path     = "${unitysvc_collection.my_llms.gateway_path}/v1/chat/completions"
  body             = jsonencode({ model = "fast-gpt", messages = [{ role = "user", content = "ping" }] })
  interval_seconds = 300
}

# 8. Record the requests this key sends, and check the collection's
#    routing at every plan: requests for fast-gpt must reach gpt-4o-mini.
#    A failed check warns; it does not block the apply.
resource "unitysvc_request_logging" "this" {
  truncate_long_message = true
}

check "fast_gpt_reaches_gpt_4o_mini" {
  data "unitysvc_resolve" "fast_gpt" {
    path        = unitysvc_collection.my_llms.gateway_path
    routing_key = { model = "fast-gpt" }
    depends_on  = [unitysvc_collection_member.fast_gpt]
  }

  assert {
    condition     = data.unitysvc_resolve.fast_gpt.selected_service_id == data.unitysvc_service.gpt.id
    error_message = "Requests for fast-gpt to /g/my-llms do not reach gpt-4o-mini: candidates are ${jsonencode(data.unitysvc_resolve.fast_gpt.candidate_service_ids)}."
  }
}

# The last requests (of the last 24 hours) as the gateway logged them;
# `tofu apply -refresh-only` reads them again.
data "unitysvc_request_logs" "recent" {
  max_items  = 10
  depends_on = [unitysvc_request_logging.this]
}

output "recent_requests" {
  description = "The last requests, oldest first: method, path, status, error, upstream time."
  value = join("\n", reverse([for l in data.unitysvc_request_logs.recent.items :
    "${l.method} ${l.path} -> ${l.status_code == null ? "no answer" : l.status_code}${l.error_type == null ? "" : " (${l.error_type})"} in ${l.time_ms == null ? "-" : format("%.0f ms", l.time_ms)}"
  ]))
}

output "llm_group" {
  value = {
    endpoint = data.unitysvc_group.llm.interface.base_url
    strategy = jsondecode(data.unitysvc_group.llm.routing_policy).strategy
    services = [for s in data.unitysvc_group_services.llm.services : s.name]
  }
}

output "byok_service" {
  value = {
    id               = data.unitysvc_service.byok.id
    enrollment_mode  = data.unitysvc_service.byok.enrollment_mode
    parameters       = [for p in data.unitysvc_service.byok.parameters : "${p.name}${p.required ? " (required)" : ""}"]
    required_secrets = data.unitysvc_service.byok.required_secrets
  }
}

output "secrets_created" {
  value = { for k, s in unitysvc_secret.required : k => s.id }
}

output "enrollment" {
  value = {
    status         = unitysvc_enrollment.byok.status
    proxy_endpoint = unitysvc_enrollment.byok.proxy_endpoint
  }
}

output "my_llms" {
  value = {
    id           = unitysvc_collection.my_llms.id
    gateway_url  = unitysvc_collection.my_llms.gateway_url
    routing_keys = [for m in [unitysvc_collection_member.fast_gpt, unitysvc_collection_member.byok] : m.routing_key]
  }
}

output "routing" {
  value = {
    alias     = unitysvc_alias.default_llm.gateway_path
    chain     = unitysvc_chain.llm_failover.gateway_url
    broadcast = unitysvc_broadcast.eval_fanout.gateway_url
    health    = unitysvc_recurrent_request.health.next_run_at
  }
}
