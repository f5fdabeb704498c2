# Everything the API key can manage, every page of it. The credentials come
# from UNITYSVC_API_KEY and UNITYSVC_API_URL.
data "unitysvc_secrets" "all" {}
data "unitysvc_enrollments" "all" {}
data "unitysvc_collections" "all" {}
data "unitysvc_chains" "all" {}
data "unitysvc_broadcasts" "all" {}
data "unitysvc_aliases" "all" {}
data "unitysvc_recurrent_requests" "all" {}

locals {
  # A resource name for every object: readable, unique, and a valid
  # identifier (a letter first).
  secrets     = { for s in data.unitysvc_secrets.all.secrets : "${s.shared ? "shared_" : ""}${lower(s.name)}" => s.import_id }
  enrollments = { for e in data.unitysvc_enrollments.all.enrollments : "${replace(coalesce(e.service_name, "enrollment"), "/[^a-zA-Z0-9_]/", "_")}_${lower(e.code)}" => e.import_id }
  collections = { for c in data.unitysvc_collections.all.collections : "${c.shared ? "shared_" : "c_"}${replace(c.name, "-", "_")}" => c.import_id }
  members = merge([
    for c in data.unitysvc_collections.all.collections : {
      for m in c.members : "${c.shared ? "shared_" : "c_"}${replace(c.name, "-", "_")}_${substr(m.service_id, 0, 8)}" => m.import_id
    }
  ]...)
  chains             = { for c in data.unitysvc_chains.all.chains : "${c.shared ? "shared_" : "c_"}${replace(c.name, "-", "_")}" => c.import_id }
  broadcasts         = { for b in data.unitysvc_broadcasts.all.broadcasts : "${b.shared ? "shared_" : "b_"}${replace(b.name, "-", "_")}" => b.import_id }
  aliases            = { for a in data.unitysvc_aliases.all.aliases : "${a.shared ? "shared_" : "a_"}${replace(a.name, "-", "_")}_${substr(a.id, 0, 8)}" => a.import_id }
  recurrent_requests = { for r in data.unitysvc_recurrent_requests.all.recurrent_requests : "r_${replace(coalesce(r.name, r.id), "/[^a-zA-Z0-9_]/", "_")}" => r.import_id }

  by_type = {
    unitysvc_secret            = local.secrets
    unitysvc_enrollment        = local.enrollments
    unitysvc_collection        = local.collections
    unitysvc_collection_member = local.members
    unitysvc_chain             = local.chains
    unitysvc_broadcast         = local.broadcasts
    unitysvc_alias             = local.aliases
    unitysvc_recurrent_request = local.recurrent_requests
  }
}

# One import block per object, for `tofu plan -generate-config-out`, which
# writes configuration only for import blocks without for_each:
#   tofu output -raw import_blocks > imports.tf
output "import_blocks" {
  value = join("", flatten([
    for type, objects in local.by_type : [
      for name, id in objects : "import {\n  to = ${type}.${name}\n  id = \"${id}\"\n}\n"
    ]
  ]))
}

output "object_counts" {
  value = { for type, objects in local.by_type : type => length(objects) }
}
