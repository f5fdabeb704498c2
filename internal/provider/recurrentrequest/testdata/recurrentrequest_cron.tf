# The chat-ping body written by hand, in another key order and layout.
resource "unitysvc_recurrent_request" "test" {
  request_path    = "/g/llm/v1/chat/completions"
  name            = "summary-job"
  cron_expression = "0 */6 * * *"
  timezone        = "Europe/Berlin"
  status          = "{{.status}}"
  body            = <<-JSON
    {
      "messages": [ { "content": "ping", "role": "user" } ],
      "model":    "gpt-4o-mini"
    }
  JSON
}
