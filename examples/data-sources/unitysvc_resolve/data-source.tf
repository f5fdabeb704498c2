resource "unitysvc_collection" "llms" {
  name = "my-llms"
}

data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.llms.id
  service_id    = data.unitysvc_service.gpt.id
  routing_key   = { model = "fast" }
}

# Where would a request for model "fast" to /g/my-llms go?
data "unitysvc_resolve" "fast" {
  path        = unitysvc_collection.llms.gateway_path
  routing_key = { model = "fast" }

  # Resolve after the members exist, not merely the collection.
  depends_on = [unitysvc_collection_member.gpt]

  lifecycle {
    # A hard gate: the plan fails with this message when it does not hold.
    postcondition {
      condition     = self.selected_service_id == data.unitysvc_service.gpt.id
      error_message = "model \"fast\" in my-llms must route to gpt-4o-mini."
    }
  }
}

# The cheapest candidate of a platform group, whatever its own strategy.
data "unitysvc_resolve" "cheapest_llama" {
  path        = "g/llm"
  routing_key = { model = "llama-3.1-8b" }
  strategy    = "by_price"
}

output "cheapest_llama_provider" {
  value = data.unitysvc_resolve.cheapest_llama.selected.provider_name
}
