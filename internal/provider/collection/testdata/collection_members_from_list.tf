locals {
  # Service IDs, comma-separated: one member each.
  services = split(",", "{{.services}}")
}

resource "unitysvc_collection" "my_llms" {
  name = "{{.name}}"
}

resource "unitysvc_collection_member" "m" {
  count         = length(local.services)
  collection_id = unitysvc_collection.my_llms.id
  service_id    = local.services[count.index]
}
