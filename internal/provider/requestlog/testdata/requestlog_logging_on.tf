resource "unitysvc_request_logging" "this" {}
