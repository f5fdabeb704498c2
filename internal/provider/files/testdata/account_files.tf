data "unitysvc_account_files" "root" {}

data "unitysvc_account_files" "reports" {
  path = "reports"
}
