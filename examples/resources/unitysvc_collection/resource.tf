# A collection reachable at <gateway>/g/my-llms.
resource "unitysvc_collection" "my_llms" {
  name         = "my-llms"
  display_name = "My LLMs"
  description  = "The models our apps may use."
}

# A collection shared with the whole team, created disabled.
resource "unitysvc_collection" "team_llms" {
  name    = "team-llms"
  shared  = true
  enabled = false
}

output "my_llms_url" {
  value = unitysvc_collection.my_llms.gateway_url
}
