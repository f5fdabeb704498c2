resource "unitysvc_enrollment" "byok" {
  service_id = "{{.service_id}}"
}
