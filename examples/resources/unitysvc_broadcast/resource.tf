# Send every request to Anthropic and OpenAI at once and get both answers
# back in one response: POST <gateway>/b/eval-fanout/v1/chat/completions
resource "unitysvc_broadcast" "eval_fanout" {
  name        = "eval-fanout"
  description = "Compare Anthropic and OpenAI side by side"
  mode        = "sync"

  targets = [
    { name = "anthropic", target_path = "anthropic" },
    { name = "openai", target_path = "openai" },
  ]
}

# A team-wide broadcast with a tighter timeout, sending a specific model to
# one of its targets.
resource "unitysvc_broadcast" "model_compare" {
  name              = "model-compare"
  shared            = true
  target_timeout_ms = 15000

  targets = [
    { name = "default", target_path = "g/llm" },
    {
      name                 = "mini"
      target_path          = "g/llm"
      routing_key_override = { model = "gpt-4o-mini" }
    },
  ]
}

output "eval_fanout_url" {
  value = unitysvc_broadcast.eval_fanout.gateway_url
}
