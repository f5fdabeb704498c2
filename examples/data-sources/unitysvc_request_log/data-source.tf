data "unitysvc_request_logs" "last" {
  max_items = 1
}

# The full request and answer of the newest log (bodies are sensitive).
data "unitysvc_request_log" "newest" {
  id = data.unitysvc_request_logs.last.items[0].id
}

output "newest_status" {
  value = data.unitysvc_request_log.newest.status_code
}
