resource "unitysvc_request_logging" "each" {
  count = 2
}
