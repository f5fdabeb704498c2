# The write-only values come from ephemeral variables (TF_VAR_endpoint,
# TF_VAR_api_key), as in real use: a literal would be kept in the plan's
# copy of the configuration by the CLI itself.
variable "endpoint" {
  type      = string
  ephemeral = true
}

variable "api_key" {
  type      = string
  ephemeral = true
}

resource "unitysvc_enrollment" "byok" {
  service_id                      = "{{.service_id}}"
  parameters                      = { region = "eu" }
  sensitive_parameters_wo         = { endpoint = var.endpoint, api_key = var.api_key }
  sensitive_parameters_wo_version = 1
}
