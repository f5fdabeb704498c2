provider "unitysvc" {
  api_url     = "{{.api_url}}"
  api_key     = "{{.api_key}}"
  gateway_url = "{{.gateway_url}}"
  max_retries = 1
}

resource "unitysvc_secret" "s" {
  name  = "WRONG_URL_SECRET"
  value = "v"
}

resource "unitysvc_collection" "c" {
  name = "{{.name}}"
}

resource "unitysvc_collection_member" "m" {
  collection_id = unitysvc_collection.c.id
  service_id    = "{{.service_id}}"
}

resource "unitysvc_chain" "ch" {
  name  = "{{.name}}"
  steps = [{ name = "one", target_path = unitysvc_collection.c.gateway_path }]
}

resource "unitysvc_alias" "a" {
  name        = "{{.name}}"
  target_path = unitysvc_collection.c.gateway_path
}
