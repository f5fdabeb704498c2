# Every live alias named fast-chat: the routing one and the others.
data "unitysvc_aliases" "fast_chat" {
  name = "fast-chat"
}

output "routing_alias" {
  value = one([for a in data.unitysvc_aliases.fast_chat.aliases : a.import_id if a.routing])
}
