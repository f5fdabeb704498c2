provider "unitysvc" {
  api_url = "{{.api_url}}"
}
data "unitysvc_group" "llm" {
  name = "llm"
}
