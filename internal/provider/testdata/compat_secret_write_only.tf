resource "unitysvc_secret" "s" {
  name             = "OLD_CLI_SECRET"
  value_wo         = "never-stored"
  value_wo_version = 1
}
