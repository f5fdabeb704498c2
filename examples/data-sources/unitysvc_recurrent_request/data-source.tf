data "unitysvc_recurrent_request" "health" {
  name = "llm-health-check"
}

output "health_check_runs" {
  value = {
    next        = data.unitysvc_recurrent_request.health.state.next_run_at
    last        = data.unitysvc_recurrent_request.health.state.last_run_at
    runs        = data.unitysvc_recurrent_request.health.state.run_count
    last_status = data.unitysvc_recurrent_request.health.state.last_status_code
  }
}
