resource "unitysvc_broadcast" "test" {
  name        = "{{.name}}"
  description = "fan out"
  targets = [
    { name = "anthropic", target_path = "anthropic" },
    { name = "openai", target_path = "openai", routing_key_override = { model = "gpt-4o" } },
  ]
}
