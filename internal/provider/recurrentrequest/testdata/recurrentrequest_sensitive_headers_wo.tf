resource "unitysvc_recurrent_request" "test" {
  request_path                 = "/g/llm/v1/chat/completions"
  interval_seconds             = 300
  headers                      = { "OpenAI-Beta" = "assistants=v2" }
  sensitive_headers_wo         = { "X-Upstream-Token" = "{{.token}}" }
  sensitive_headers_wo_version = {{.version}}
}
