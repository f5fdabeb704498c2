resource "unitysvc_enrollment" "byok" {
  service_id           = "{{.service_id}}"
  parameters           = { region = "eu" }
  sensitive_parameters = { api_key = "sk-x" }
}
