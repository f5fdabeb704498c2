resource "unitysvc_alias" "one" {
  name        = "{{.name}}"
  target_path = "g/llm"
}

resource "unitysvc_alias" "two" {
  name        = "{{.name}}"
  target_path = "g/llm"
  depends_on  = [unitysvc_alias.one]
}
