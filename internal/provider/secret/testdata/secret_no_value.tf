resource "unitysvc_secret" "test" {
  name = "{{.name}}"
}
