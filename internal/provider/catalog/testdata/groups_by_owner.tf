data "unitysvc_groups" "x" {
  owner = "{{.owner}}"
}
