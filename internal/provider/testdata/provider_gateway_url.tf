provider "unitysvc" {
  api_url     = "{{.api_url}}"
  gateway_url = "{{.gateway_url}}"
}

data "unitysvc_group" "llm" {
  name = "llm"
}
