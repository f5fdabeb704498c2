resource "unitysvc_collection" "my_llms" {
  name        = "{{.name}}"
  description = "team models"
  shared      = false
  enabled     = true
}
