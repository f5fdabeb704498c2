resource "unitysvc_enrollment" "byok" {
  service_id              = "{{.service_id}}"
  parameters              = { endpoint = "https://a.example.com/v1" }
  sensitive_parameters    = { api_key = "a" }
  sensitive_parameters_wo = { api_key = "b" }
}
