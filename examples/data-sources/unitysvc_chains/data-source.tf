data "unitysvc_chains" "all" {}

output "chain_paths" {
  value = { for c in data.unitysvc_chains.all.chains : c.import_id => c.gateway_path }
}
