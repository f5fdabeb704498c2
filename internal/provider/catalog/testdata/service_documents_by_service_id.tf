data "unitysvc_service_documents" "d" {
  service_id = "{{.service_id}}"
}
