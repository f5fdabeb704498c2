import {
  to = unitysvc_chain.example
  id = "llm-failover" # the chain's name or its UUID
}
