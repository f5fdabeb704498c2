resource "unitysvc_chain" "personal" {
  name  = "{{.name}}"
  steps = [{ name = "s", target_path = "g/llm" }]
}
resource "unitysvc_chain" "shared" {
  name   = "{{.name}}"
  shared = true
  steps  = [{ name = "s", target_path = "g/llm" }]
}
