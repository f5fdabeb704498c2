data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

data "unitysvc_service_documents" "all" {
  service_id = data.unitysvc_service.gpt.id
}

data "unitysvc_service_documents" "python" {
  service_id      = data.unitysvc_service.gpt.id
  category        = "code_example"
  mime_type       = "python"
  include_content = true
  interface       = "llm"
}
