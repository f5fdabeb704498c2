resource "unitysvc_collection" "bad" {
  name = "My LLMs"
}
