resource "unitysvc_enrollment" "byok" {
  service_id           = "{{.service_id}}"
  parameters           = { endpoint = "https://a.example.com/v1", region = "eu" }
  sensitive_parameters = { api_key = "sk-made-elsewhere", other_token = "t" }
}
