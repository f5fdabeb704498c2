# A chain managed in another configuration, used as a step target here.
data "unitysvc_chain" "llm_failover" {
  name = "llm-failover"
}

output "llm_failover_path" {
  value = data.unitysvc_chain.llm_failover.gateway_path # "c/llm-failover"
}
