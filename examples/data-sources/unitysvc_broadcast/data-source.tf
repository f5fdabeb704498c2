# A broadcast managed in another configuration.
data "unitysvc_broadcast" "eval_fanout" {
  name = "eval-fanout"
}

output "eval_fanout_targets" {
  value = [for t in data.unitysvc_broadcast.eval_fanout.targets : t.name]
}
