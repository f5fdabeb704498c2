resource "unitysvc_secret" "test" {
  name             = "{{.name}}"
  value            = "x"
  value_wo_version = 1
}
