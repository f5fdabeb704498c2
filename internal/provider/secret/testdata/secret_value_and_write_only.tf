resource "unitysvc_secret" "test" {
  name     = "{{.name}}"
  value    = "x"
  value_wo = "y"
}
