resource "unitysvc_recurrent_request" "test" {
  request_path     = "/g/llm/v1/chat/completions"
  name             = "{{.name}}"
  interval_seconds = 600
  body             = jsonencode({ model = "gpt-4o-mini", messages = [{ role = "user", content = "ping" }] })
}
