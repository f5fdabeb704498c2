variable "plain" {
  type      = string
  sensitive = true
}

variable "write_only" {
  type      = string
  sensitive = true
}

resource "unitysvc_secret" "plain" {
  name  = "{{.plain_name}}"
  value = var.plain
}

resource "unitysvc_secret" "wo" {
  name             = "{{.write_only_name}}"
  value_wo         = var.write_only
  value_wo_version = 1
}
