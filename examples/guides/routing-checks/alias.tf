resource "unitysvc_alias" "prod_chat" {
  name        = "prod-chat"
  target_path = unitysvc_collection.my_llms.gateway_path
}

data "unitysvc_resolve" "prod_chat" {
  path        = "a/${unitysvc_alias.prod_chat.name}"
  routing_key = { model = "fast" }
  depends_on  = [unitysvc_collection_member.fast]

  lifecycle {
    postcondition {
      condition     = length(self.candidates) > 0
      error_message = "a/prod-chat routes nowhere for model \"fast\": production traffic would get 404s."
    }
  }
}
