data "unitysvc_group" "llm" {
  name = "llm"
}

output "llm_endpoint" {
  value = data.unitysvc_group.llm.interface.base_url
}

output "llm_routing_strategy" {
  value = jsondecode(data.unitysvc_group.llm.routing_policy).strategy
}
