resource "unitysvc_collection" "c" {
  name = "{{.name}}"
}
resource "unitysvc_chain" "ch" {
  name  = "{{.name}}"
  steps = [{ name = "s", target_path = "g/llm" }]
}
resource "unitysvc_recurrent_request" "r" {
  name             = "{{.name}}"
  request_path     = "g/llm/v1/chat/completions"
  interval_seconds = 300
}

import {
  to = unitysvc_collection.c
  id = "{{.name}}"
}
import {
  to = unitysvc_chain.ch
  id = "{{.chain_id}}"
}
import {
  to = unitysvc_recurrent_request.r
  id = "{{.recurrent_request_id}}"
}
