data "unitysvc_group" "by_name" {
  name = "llm"
}
data "unitysvc_group" "by_id" {
  id = "{{.id}}"
}
output "strategy" {
  value = jsondecode(data.unitysvc_group.by_name.routing_policy).strategy
}
