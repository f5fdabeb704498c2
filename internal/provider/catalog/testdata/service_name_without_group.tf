data "unitysvc_service" "x" {
  name = "gpt-4o-mini"
}
