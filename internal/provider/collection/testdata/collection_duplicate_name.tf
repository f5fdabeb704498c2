resource "unitysvc_collection" "a" {
  name = "{{.name}}"
}

resource "unitysvc_collection" "b" {
  name       = "{{.name}}"
  depends_on = [unitysvc_collection.a]
}
