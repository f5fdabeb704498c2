resource "unitysvc_enrollment" "a" {
  service_id = "{{.service_id}}"
  parameters = { endpoint = "https://a.example.com" }
}

resource "unitysvc_enrollment" "b" {
  service_id           = "{{.service_id}}"
  parameters           = { endpoint = "https://b.example.com" }
  sensitive_parameters = { api_key = "k" }
}

data "unitysvc_enrollments" "active" {
  service_id = "{{.service_id}}"
  status     = "active"
  depends_on = [unitysvc_enrollment.a, unitysvc_enrollment.b]
}

data "unitysvc_enrollments" "paused" {
  status     = "paused"
  depends_on = [unitysvc_enrollment.a, unitysvc_enrollment.b]
}

data "unitysvc_enrollments" "other_service" {
  service_id = "{{.other_service_id}}"
  depends_on = [unitysvc_enrollment.a, unitysvc_enrollment.b]
}
