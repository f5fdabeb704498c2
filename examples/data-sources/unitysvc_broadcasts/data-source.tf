data "unitysvc_broadcasts" "team" {
  scope = "shared"
}

output "broadcast_ids" {
  value = [for b in data.unitysvc_broadcasts.team.broadcasts : b.import_id]
}
