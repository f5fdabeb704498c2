resource "terraform_data" "empty" {
  input = ""
}
data "unitysvc_service" "x" {
  id = terraform_data.empty.output
}
