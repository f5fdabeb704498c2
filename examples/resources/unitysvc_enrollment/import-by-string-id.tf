import {
  to = unitysvc_enrollment.example
  id = "3f0e6c1a-2b4d-4e8f-9a1b-7c2d5e6f8a90"
}
