resource "unitysvc_recurrent_request" "test" {
  request_path     = "/g/llm/v1/chat/completions"
  name             = "chat-ping"
  interval_seconds = 300
  body             = jsonencode({ model = "gpt-4o-mini", messages = [{ role = "user", content = "ping" }] })
  headers          = { "X-Unitysvc-Log-Request" = "true" }
}
