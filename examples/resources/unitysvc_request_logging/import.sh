# Request logging is one setting per user, imported with the fixed ID "current":
terraform import unitysvc_request_logging.this current
