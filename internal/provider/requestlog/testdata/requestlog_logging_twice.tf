resource "unitysvc_request_logging" "this" {}

resource "unitysvc_request_logging" "again" {
  enabled = false
}
