resource "unitysvc_request_logging" "this" {
  enabled               = false
  truncate_long_message = false
}
