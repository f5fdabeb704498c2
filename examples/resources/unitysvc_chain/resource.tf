# Failover: try Anthropic first; if it fails (5xx, 429, timeout), fall back
# to OpenAI with the original request. Dispatch at <gateway>/c/llm-failover.
resource "unitysvc_chain" "llm_failover" {
  name        = "llm-failover"
  description = "Anthropic first, OpenAI when Anthropic fails"

  steps = [
    {
      name        = "primary"
      target_path = "anthropic"
      on_failure  = "continue" # the provider's default, shown for clarity
      timeout_ms  = 8000
    },
    {
      name        = "backup"
      target_path = "openai"
      on_success  = "stop"
    },
  ]
}

# An ordered workflow shared with the whole team: the first step's
# response becomes the second step's request.
resource "unitysvc_chain" "draft_then_review" {
  name               = "draft-then-review"
  shared             = true
  default_timeout_ms = 20000

  steps = [
    { name = "draft", target_path = "g/llm", on_success = "relay", on_failure = "stop" },
    { name = "review", target_path = unitysvc_chain.llm_failover.gateway_path },
  ]
}

output "llm_failover_url" {
  value = unitysvc_chain.llm_failover.gateway_url
}
