data "unitysvc_service_documents" "d" {
  service_id = "00000000-0000-4000-8000-000000000000"
  category   = "recipe"
}
