# request_path written as a full gateway URL: sent as its path.
resource "unitysvc_recurrent_request" "test" {
  request_path     = "{{.gateway}}/g/llm/v1/chat/completions"
  interval_seconds = 300
}
