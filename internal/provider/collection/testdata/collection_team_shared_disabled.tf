resource "unitysvc_collection" "my_llms" {
  name        = "{{.name}}"
  description = "team models"
  shared      = true
  enabled     = false
}
