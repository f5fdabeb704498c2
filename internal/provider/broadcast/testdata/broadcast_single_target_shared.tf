resource "unitysvc_broadcast" "test" {
  name    = "{{.name}}"
  shared  = true
  targets = [{ name = "only", target_path = "g/llm" }]
}
