resource "unitysvc_enrollment" "byok" {
  service_id           = "{{.service_id}}"
  parameters           = { endpoint = "https://x", api_key = "a" }
  sensitive_parameters = { api_key = "b" }
}
