provider "unitysvc" {
  api_url = "{{.api_url}}"
  api_key = "{{.api_key}}"
}

resource "unitysvc_secret" "test" {
  name      = "{{.name}}"
  value     = "ours"
  sensitive = false
}
