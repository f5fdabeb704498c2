# A chain whose name uses every kind of character a name may have, made
# a step of another chain through its gateway_path; the other steps are
# wrapped paths.
resource "unitysvc_chain" "inner" {
  name  = "{{.name}}.Inner~1"
  steps = [{ name = "llm", target_path = "g/llm" }]
}

resource "unitysvc_chain" "outer" {
  name = "{{.name}}"
  steps = [
    { name = "inner", target_path = unitysvc_chain.inner.gateway_path },
    { name = "logged", target_path = "l/m/g/llm/v1/chat/completions?_ttl=1h&_complete=" },
    { name = "failover", target_path = "f/g/llm?_else=p%2Fbackup" },
  ]
}
