resource "unitysvc_alias" "test" {
  name        = "{{.name}}"
  target_path = "g/llm"
}
