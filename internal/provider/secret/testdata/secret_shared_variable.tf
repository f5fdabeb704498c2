resource "unitysvc_secret" "test" {
  name      = "{{.name}}"
  value     = "{{.value}}"
  shared    = true
  sensitive = false
}
