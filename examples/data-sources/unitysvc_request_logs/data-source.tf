# Failed requests to one collection in the last hour.
data "unitysvc_request_logs" "failures" {
  path_prefix = "/g/my-llms"
  status_min  = 400
  start_time  = timeadd(plantimestamp(), "-1h")
  max_items   = 20
}

output "recent_failures" {
  value = [for l in data.unitysvc_request_logs.failures.items : "${l.time} ${l.status_code} ${l.error_type}"]
}
