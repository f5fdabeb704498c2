resource "unitysvc_collection" "c" {
  name = "{{.name}}"
}
resource "unitysvc_collection_member" "fast" {
  collection_id = unitysvc_collection.c.id
  service_id    = "{{.fast_service}}"
  routing_key   = { model = "fast" }
}
check "fast_routes_to_mini" {
  data "unitysvc_resolve" "fast" {
    path        = unitysvc_collection.c.gateway_path
    routing_key = { model = "fast" }
    depends_on  = [unitysvc_collection_member.fast]
  }
  assert {
    condition     = data.unitysvc_resolve.fast.selected_service_id == "{{.fast_service}}"
    error_message = "model fast does not reach gpt-4o-mini"
  }
}
check "big_model_present" {
  data "unitysvc_resolve" "big" {
    path        = unitysvc_collection.c.gateway_path
    routing_key = { model = "gpt-4o" }
    depends_on  = [unitysvc_collection_member.fast]
  }
  assert {
    condition     = length(data.unitysvc_resolve.big.candidates) == 1
    error_message = "nothing serves gpt-4o in the collection any more"
  }
}
