resource "unitysvc_secret" "test" {
  name        = "{{.name}}"
  value       = "{{.value}}"
  description = "{{.description}}"
}
