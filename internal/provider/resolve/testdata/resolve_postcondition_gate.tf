# Added to resolve_checks.tf: a hard gate on the collection's gpt-4o route.
data "unitysvc_resolve" "gate" {
  path        = unitysvc_collection.c.gateway_path
  routing_key = { model = "gpt-4o" }
  lifecycle {
    postcondition {
      condition     = length(self.candidates) > 0
      error_message = "Production traffic for gpt-4o would get 404s."
    }
  }
}
