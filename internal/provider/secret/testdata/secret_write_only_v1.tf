resource "unitysvc_secret" "test" {
  name             = "{{.name}}"
  value_wo         = "{{.value}}"
  value_wo_version = 1
}
