import {
  to = unitysvc_alias.chat
  id = "3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a9b"
}
