resource "unitysvc_recurrent_request" "test" {
  request_path     = "/g/llm/v1/chat/completions"
  http_method      = "GET"
  interval_seconds = 300
}
