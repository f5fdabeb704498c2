# Your collections, each with its members.
data "unitysvc_collections" "mine" {
  scope = "personal"
}

output "member_import_ids" {
  # "<collection id>/<service id>": what unitysvc_collection_member imports by.
  value = flatten([for c in data.unitysvc_collections.mine.collections : [for m in c.members : m.import_id]])
}
