resource "unitysvc_enrollment" "byok" {
  service_id           = "{{.service_id}}"
  parameters           = { endpoint = "{{.endpoint}}", region = "eu" }
  sensitive_parameters = { api_key = "{{.api_key}}" }
  timeouts {
    create = "{{.create_timeout}}"
  }
}
