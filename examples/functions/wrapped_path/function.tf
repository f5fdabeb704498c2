# Provider functions need OpenTofu 1.7+ or Terraform 1.8+.
terraform {
  required_providers {
    unitysvc = { source = "unitysvc/unitysvc" }
  }
}

resource "unitysvc_collection" "llms" {
  name = "my-llms"
}

# Cache answers for 15 minutes, capture every call in the request logs
# with full bodies, and fall back to the llm group when the collection
# fails: l/m/f/g/my-llms?_complete=&_ttl=15m&_else=g%2Fllm
resource "unitysvc_alias" "chat" {
  name = "chat"
  target_path = provider::unitysvc::wrapped_path(unitysvc_collection.llms.gateway_path, {
    log         = "complete"
    cache_ttl   = "15m"
    failover_to = "g/llm"
  })
}

# Secondaries may be wrapped themselves: tee a copy to a cached path.
output "teed" {
  value = provider::unitysvc::wrapped_path("g/llm", {
    tee_to = provider::unitysvc::wrapped_path(unitysvc_collection.llms.gateway_path, { cache = true })
  })
}
