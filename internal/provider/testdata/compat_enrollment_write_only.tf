data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}
resource "unitysvc_enrollment" "e" {
  service_id                      = data.unitysvc_service.byok.id
  parameters                      = { endpoint = "https://llm.example.com/v1" }
  sensitive_parameters_wo         = { api_key = "never-stored" }
  sensitive_parameters_wo_version = 1
}
