# With its own provider block: no retries, so one 429 fails the apply.
provider "unitysvc" {
  api_url     = "{{.api_url}}"
  api_key     = "{{.api_key}}"
  max_retries = 0
}

resource "unitysvc_recurrent_request" "test" {
  request_path     = "/g/llm/v1/chat/completions"
  name             = "activation-fails"
  interval_seconds = 300
}
