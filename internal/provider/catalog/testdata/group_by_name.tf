data "unitysvc_group" "x" {
  name = "{{.name}}"
}
