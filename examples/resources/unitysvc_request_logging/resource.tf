# Record the requests this API key's user sends (long bodies in full).
resource "unitysvc_request_logging" "this" {
  enabled               = true
  truncate_long_message = false
}
