data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

data "unitysvc_service_documents" "d" {
  service_id = data.unitysvc_service.gpt.id
  interface  = "latest"
}
