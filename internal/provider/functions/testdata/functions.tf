locals {
  gateway = "{{.gateway}}"
  primary = "g/llm/v1/chat/completions"
}

output "wrapped_all" {
  value = provider::unitysvc::wrapped_path(local.primary, {
    log         = "complete"
    cache_ttl   = "15m"
    cache_renew = true
    failover_to = "p/backup"
    tee_to      = "b/audit"
  })
}
output "wrapped_logged" {
  value = provider::unitysvc::wrapped_path("/p/abc", { log = true })
}
output "wrapped_cached" {
  value = provider::unitysvc::wrapped_path("g/llm", { cache = true })
}
output "wrapped_nothing" {
  value = provider::unitysvc::wrapped_path("/g/llm", {})
}
# A wrapped secondary of a wrapped primary.
output "wrapped_nested" {
  value = provider::unitysvc::wrapped_path("a/x", {
    failover_to = provider::unitysvc::wrapped_path("g/y", { cache_ttl = "7d" })
  })
}
output "url" {
  value = provider::unitysvc::gateway_url(provider::unitysvc::wrapped_path(local.primary, { log = true }), local.gateway)
}
output "parsed" {
  value = provider::unitysvc::parse_gateway_path("t/l/m/a/x/v1/embeddings?_to=b%2Faudit&_ttl=1h&api-version=2")
}
