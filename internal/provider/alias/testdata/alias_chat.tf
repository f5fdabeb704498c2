resource "unitysvc_alias" "test" {
  name                 = "{{.name}}"
  target_path          = "g/llm"
  description          = "chat models"
  routing_key_override = { model = "gpt-4o-mini" }
}
