resource "unitysvc_enrollment" "byok" {
  service_id                      = "{{.service_id}}"
  parameters                      = { endpoint = "https://a.example.com/v1" }
  sensitive_parameters_wo         = { api_key = "{{.api_key}}" }
  sensitive_parameters_wo_version = 2
}
