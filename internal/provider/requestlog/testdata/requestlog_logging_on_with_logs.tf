resource "unitysvc_request_logging" "this" {}

data "unitysvc_request_logs" "llm" {
  path_prefix = "/g/llm"
  status_min  = 200
  status_max  = 299
  start_time  = timeadd(plantimestamp(), "-1h")
  max_items   = 1
}
data "unitysvc_request_log" "newest" {
  id = data.unitysvc_request_logs.llm.items[0].id
}
