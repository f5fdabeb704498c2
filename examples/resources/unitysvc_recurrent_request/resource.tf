# Every 5 minutes: a keep-alive chat request through the platform's LLM group.
resource "unitysvc_recurrent_request" "chat_ping" {
  name             = "chat-ping"
  request_path     = "/g/llm/v1/chat/completions"
  interval_seconds = 300
  body = jsonencode({
    messages = [{ role = "user", content = "ping" }]
  })
  headers = {
    "X-Unitysvc-Log-Request" = "true" # keep each run in the request logs
  }
}

# Every six hours on the hour (00:00, 06:00, 12:00, 18:00 UTC).
resource "unitysvc_recurrent_request" "summary" {
  name            = "summary-job"
  request_path    = "/g/llm/v1/completions"
  cron_expression = "0 */6 * * *"
  timezone        = "UTC"
  body            = jsonencode({ prompt = "daily summary" })
}

# Weekday mornings in Berlin, kept but not running for now.
resource "unitysvc_recurrent_request" "report" {
  name            = "weekday-report"
  request_path    = "/g/llm/v1/chat/completions"
  cron_expression = "30 8 * * MON-FRI"
  timezone        = "Europe/Berlin"
  status          = "paused"
  body = jsonencode({
    messages = [{ role = "user", content = "Summarise yesterday's incidents." }]
  })
}
