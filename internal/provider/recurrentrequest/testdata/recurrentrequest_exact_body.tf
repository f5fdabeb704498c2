# A body written by hand with the numbers and escapes an LLM request
# carries: a float written 1.0, a big integer, an exponent, a unicode
# escape; keys in no particular order.
resource "unitysvc_recurrent_request" "test" {
  request_path     = "/g/llm/v1/chat/completions"
  interval_seconds = 300
  body             = <<-JSON
    {"temperature": {{.temperature}}, "seed": {{.seed}}, "top_p": 1e-1,
     "model": "gpt-4o-mini", "messages": [{"role": "user", "content": "caf\u00e9"}]}
  JSON
}
