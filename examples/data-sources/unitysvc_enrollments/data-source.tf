data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}

# Every active enrollment in the BYOK service.
data "unitysvc_enrollments" "byok_active" {
  service_id = data.unitysvc_service.byok.id
  status     = "active"
}

output "byok_endpoints" {
  value = [for e in data.unitysvc_enrollments.byok_active.enrollments : e.proxy_endpoint]
}
