data "unitysvc_chain" "test" {
  name = "{{.name}}"
}
data "unitysvc_chain" "team" {
  name   = "{{.name}}"
  shared = true
}
