resource "unitysvc_collection" "c" {
  name = "{{.name}}"
}
