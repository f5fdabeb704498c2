data "unitysvc_broadcast" "test" {
  name   = "{{.name}}"
  shared = false
}
