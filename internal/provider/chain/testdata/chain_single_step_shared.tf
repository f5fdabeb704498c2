resource "unitysvc_chain" "test" {
  name   = "{{.name}}"
  shared = true
  steps  = [{ name = "only", target_path = "g/llm" }]
}
