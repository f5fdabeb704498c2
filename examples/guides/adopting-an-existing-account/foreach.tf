# Import blocks with for_each (OpenTofu 1.7+, Terraform 1.7+), fed by the
# list data sources: each import_id is the ID the resource imports by, with
# no string assembly. The resources they import into are yours to write
# (here: secrets and collection members, whose every argument the data
# sources carry; a secret's value stays as it is).
locals {
  member_objects = merge([
    for c in data.unitysvc_collections.all.collections : {
      for m in c.members : m.import_id => merge(m, { collection_id = c.id })
    }
  ]...)
}

import {
  for_each = local.member_objects
  to       = unitysvc_collection_member.adopted[each.key]
  id       = each.key
}

resource "unitysvc_collection_member" "adopted" {
  for_each      = local.member_objects
  collection_id = each.value.collection_id
  service_id    = each.value.service_id
  routing_key   = each.value.routing_key
  sort_order    = each.value.sort_order
}

import {
  for_each = { for s in data.unitysvc_secrets.all.secrets : s.import_id => s }
  to       = unitysvc_secret.adopted[each.key]
  id       = each.key
}

resource "unitysvc_secret" "adopted" {
  for_each    = { for s in data.unitysvc_secrets.all.secrets : s.import_id => s }
  name        = each.value.name
  shared      = each.value.shared
  sensitive   = each.value.sensitive
  description = each.value.description
}
