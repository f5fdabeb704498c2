resource "unitysvc_broadcast" "a" {
  name    = "{{.name}}"
  shared  = true
  targets = [{ name = "t", target_path = "g/llm" }]
}
resource "unitysvc_broadcast" "b" {
  name    = "{{.name}}"
  shared  = true
  targets = [{ name = "t", target_path = "g/llm" }]
}
