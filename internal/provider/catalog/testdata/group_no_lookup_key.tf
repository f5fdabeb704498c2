data "unitysvc_group" "x" {}
