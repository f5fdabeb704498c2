resource "unitysvc_broadcast" "test" {
  name              = "{{.name}}"
  mode              = "{{.mode}}"
  target_timeout_ms = 12000
  enabled           = false
  targets = [
    { name = "openai", target_path = "openai", routing_key_override = { model = "gpt-4o-mini", temperature = "0" } },
    { name = "mistral", target_path = "g/open-weights" },
  ]
}
