resource "unitysvc_request_logging" "this" {
  truncate_long_message = false
}
