# Added to resolve_checks.tf: a path known only after apply.
resource "unitysvc_secret" "key" {
  name  = "MY_PROVIDER_API_KEY"
  value = "sk-test"
}
resource "unitysvc_enrollment" "byok" {
  service_id           = "{{.byok_service}}"
  parameters           = { endpoint = "https://llm.example.com/v1" }
  sensitive_parameters = { api_key = "k" }
  depends_on           = [unitysvc_secret.key]
}
data "unitysvc_resolve" "mine" {
  path = "e/${unitysvc_enrollment.byok.code}"
  lifecycle {
    postcondition {
      condition     = self.selected_service_id == "{{.byok_service}}"
      error_message = "my enrollment does not route to my service"
    }
  }
}
