provider "unitysvc" {
  api_url         = "{{.api_url}}"
  api_key         = "{{.api_key}}"
  request_timeout = "10s"
  max_retries     = 0
}

data "unitysvc_group" "llm" {
  name = "llm"
}
