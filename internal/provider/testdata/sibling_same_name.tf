resource "unitysvc_collection" "first" {
  name = "{{.name}}"
}

resource "unitysvc_collection" "second" {
  name = "{{.name}}"
}
