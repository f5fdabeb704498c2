variable "api_key" {
  type      = string
  sensitive = true
}

resource "unitysvc_enrollment" "byok" {
  service_id           = "{{.service_id}}"
  parameters           = { endpoint = "https://logged.example.com/v1" }
  sensitive_parameters = { api_key = var.api_key }
}

data "unitysvc_enrollments" "all" {
  depends_on = [unitysvc_enrollment.byok]
}
