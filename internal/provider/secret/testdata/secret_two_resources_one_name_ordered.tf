resource "unitysvc_secret" "one" {
  name  = "{{.name}}"
  value = "one"
}

resource "unitysvc_secret" "two" {
  name       = "{{.name}}"
  value      = "two"
  depends_on = [unitysvc_secret.one]
}
