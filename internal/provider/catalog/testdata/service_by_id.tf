data "unitysvc_service" "x" {
  id = "{{.id}}"
}
