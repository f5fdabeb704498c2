resource "unitysvc_collection" "my_llms" {
  name = "{{.name}}"
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = "{{.service_id}}"
}
