# Find a service by name within a group...
data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

# ...or by id.
data "unitysvc_service" "same" {
  id = data.unitysvc_service.byok.id
}

# Create every secret the service requires.
resource "unitysvc_secret" "required" {
  for_each = toset(data.unitysvc_service.byok.required_secrets)
  name     = each.value
  value    = "set-me"
}

output "needs_enrollment" {
  value = data.unitysvc_service.byok.enrollment_mode == "required"
}
