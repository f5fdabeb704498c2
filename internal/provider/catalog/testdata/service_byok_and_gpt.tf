data "unitysvc_service" "byok" {
  group = "byok"
  name  = "my-provider-llm"
}
data "unitysvc_service" "gpt" {
  id = "{{.gpt_id}}"
}
