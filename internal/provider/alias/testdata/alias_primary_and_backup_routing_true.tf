resource "unitysvc_alias" "primary" {
  name        = "{{.name}}"
  target_path = "g/llm"
}

resource "unitysvc_alias" "backup" {
  name        = "{{.name}}"
  target_path = "g/open-weights"
  routing     = true
  depends_on  = [unitysvc_alias.primary]
}
