# A stable name for your model catalog: clients call /a/chat and you can
# repoint it without touching them. Here it forwards to a collection.
resource "unitysvc_alias" "chat" {
  name        = "chat"
  description = "Team chat models"
  target_path = "g/my-llms" # a collection; a platform group such as g/llm works too
}

# A second target under the same name: created non-routing because
# unitysvc_alias.chat already routes "chat". Set routing = true on it to
# fail over (Terraform switches routing here and demotes the other).
resource "unitysvc_alias" "chat_fallback" {
  name        = "chat"
  description = "Fallback: the platform's LLM group"
  target_path = "g/llm"

  depends_on = [unitysvc_alias.chat]
}

# Route one model name to a pinned upstream model, for the whole team.
resource "unitysvc_alias" "fast" {
  name                 = "fast"
  target_path          = "g/llm"
  request_routing_key  = { model = "fast" }
  routing_key_override = { model = "gpt-4o-mini" }
  shared               = true
}

output "chat_url" {
  value = unitysvc_alias.chat.gateway_url # <gateway>/a/chat
}
