data "unitysvc_recurrent_requests" "paused" {
  status = "paused"
}

output "paused" {
  value = { for r in data.unitysvc_recurrent_requests.paused.recurrent_requests : r.import_id => r.name }
}
