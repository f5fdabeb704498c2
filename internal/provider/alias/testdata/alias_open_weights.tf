resource "unitysvc_alias" "test" {
  name                = "{{.name}}"
  target_path         = "g/open-weights"
  description         = "open-weight chat models"
  request_routing_key = { model = "chat" }
}
