# Every platform group (no API key needed).
data "unitysvc_groups" "platform" {
  owner = "system"
}

# Your own collections whose name contains "llm".
data "unitysvc_groups" "mine" {
  owner = "own"
  name  = "llm"
}

output "platform_groups" {
  value = [for g in data.unitysvc_groups.platform.groups : "${g.name} (${g.group_type}, ${g.member_count} services)"]
}
