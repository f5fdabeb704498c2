# Every service of a group, however many pages the API returns.
data "unitysvc_group_services" "llm" {
  group = "llm"
}

# Only the Llama services.
data "unitysvc_group_services" "llama" {
  group  = "llm"
  search = "llama"
}

output "llm_services" {
  value = { for s in data.unitysvc_group_services.llm.services : s.name => s.id }
}
