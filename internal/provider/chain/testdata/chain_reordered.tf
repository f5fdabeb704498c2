resource "unitysvc_chain" "test" {
  name               = "{{.name}}"
  description        = "failover, reordered"
  default_timeout_ms = 4000
  enabled            = false
  steps = [
    { name = "backup", target_path = "g/open-weights", on_success = "stop", on_failure = "stop", timeout_ms = 2500 },
    { name = "summarise", target_path = "g/llm", on_success = "relay", on_failure = "relay" },
  ]
}
