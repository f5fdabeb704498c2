import {
  to = unitysvc_request_logging.this
  id = "current"
}
