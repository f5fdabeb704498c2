data "unitysvc_service" "x" {
  group = "{{.group}}"
  name  = "{{.name}}"
}
