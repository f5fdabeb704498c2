provider "unitysvc" {}
resource "unitysvc_secret" "env" {
  name      = "FROM_ENV"
  value     = "x"
  sensitive = false
}
