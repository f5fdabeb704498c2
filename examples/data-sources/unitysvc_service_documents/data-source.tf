data "unitysvc_service" "gpt" {
  group = "llm"
  name  = "gpt-4o-mini"
}

# The Python example, rendered against the llm group's endpoint.
data "unitysvc_service_documents" "python" {
  service_id      = data.unitysvc_service.gpt.id
  category        = "code_example"
  mime_type       = "python"
  include_content = true
  interface       = "llm"
}

output "python_example" {
  value = one(data.unitysvc_service_documents.python.documents[*].content)
}
