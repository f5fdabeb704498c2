data "unitysvc_broadcast" "test" {
  name = "{{.name}}"
}
