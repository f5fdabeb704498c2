data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

resource "unitysvc_collection" "my_llms" {
  name = "my-llms"
}

resource "unitysvc_collection_member" "fast" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast" }
}

check "fast_routes_to_gpt" {
  data "unitysvc_resolve" "fast" {
    path        = unitysvc_collection.my_llms.gateway_path
    routing_key = { model = "fast" }
    depends_on  = [unitysvc_collection_member.fast]
  }

  assert {
    condition     = data.unitysvc_resolve.fast.selected_service_id == data.unitysvc_service.gpt.id
    error_message = "Requests for model \"fast\" to /g/my-llms do not reach gpt-4o-mini: candidates are ${jsonencode(data.unitysvc_resolve.fast.candidate_service_ids)}."
  }
}
