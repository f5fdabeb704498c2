resource "terraform_data" "empty" {
  input = ""
}
data "unitysvc_group" "x" {
  name = terraform_data.empty.output
}
