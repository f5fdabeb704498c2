data "unitysvc_account_files" "team" {
  scope = "shared"
}
