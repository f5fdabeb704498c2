resource "unitysvc_collection" "c" {
  name = "{{.name}}"
}

resource "unitysvc_chain" "ch" {
  name  = "{{.name}}"
  steps = [{ name = "one", target_path = unitysvc_collection.c.gateway_path }]
}

resource "unitysvc_alias" "a" {
  name        = "{{.name}}"
  target_path = unitysvc_collection.c.gateway_path
}
