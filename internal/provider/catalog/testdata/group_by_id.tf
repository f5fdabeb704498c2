data "unitysvc_group" "x" {
  id = "{{.id}}"
}
