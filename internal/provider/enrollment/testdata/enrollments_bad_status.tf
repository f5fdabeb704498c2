data "unitysvc_enrollments" "bad" {
  status = "enabled"
}
