provider "unitysvc" {
  api_url = "{{.api_url}}"
  api_key = "{{.api_key}}"
}

data "unitysvc_group" "llm" {
  name = "llm"
}
