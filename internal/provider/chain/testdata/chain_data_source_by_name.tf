data "unitysvc_chain" "missing" {
  name = "{{.name}}"
}
