data "unitysvc_groups" "all" {
  owner = "system"
}
data "unitysvc_groups" "llm" {
  name = "ll"
}
