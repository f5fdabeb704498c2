resource "unitysvc_chain" "test" {
  name  = "{{.name}}"
  steps = [{ name = "only", target_path = "g/llm" }]
}
