data "unitysvc_group_services" "all" {
  group = "open-weights"
}
data "unitysvc_group_services" "search" {
  group  = "llm"
  search = "llama"
}
