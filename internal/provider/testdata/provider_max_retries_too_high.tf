provider "unitysvc" {
  api_url     = "{{.api_url}}"
  max_retries = 50
}

data "unitysvc_group" "llm" {
  name = "llm"
}
