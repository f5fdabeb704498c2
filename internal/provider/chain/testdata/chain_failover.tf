resource "unitysvc_chain" "test" {
  name        = "{{.name}}"
  description = "failover"
  steps = [
    { name = "primary", target_path = "g/llm" },
    { name = "backup", target_path = "g/open-weights", on_success = "stop", on_failure = "stop", timeout_ms = 2500 },
  ]
}
