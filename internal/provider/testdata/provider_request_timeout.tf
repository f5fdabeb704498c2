provider "unitysvc" {
  api_url         = "{{.api_url}}"
  request_timeout = "{{.request_timeout}}"
}

data "unitysvc_group" "llm" {
  name = "llm"
}
