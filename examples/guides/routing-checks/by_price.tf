data "unitysvc_resolve" "cheapest_llama" {
  path        = "g/llm"
  routing_key = { model = "llama-3.1-8b" }
  strategy    = "by_price"
}

check "llama_stays_cheap" {
  assert {
    condition     = data.unitysvc_resolve.cheapest_llama.selected.provider_name == "groq"
    error_message = "The cheapest llama-3.1-8b is now ${data.unitysvc_resolve.cheapest_llama.selected.provider_name}; review the price assumptions."
  }
}

output "cheapest_llama" {
  value = data.unitysvc_resolve.cheapest_llama.selected
}
