terraform {
  required_providers {
    unitysvc = {
      source = "unitysvc/unitysvc"
    }
  }
}

# Credentials come from the environment by default:
#   export UNITYSVC_API_KEY=svcpass_...
provider "unitysvc" {}

# Or explicitly, for example against a local unitysvc-local:
provider "unitysvc" {
  alias           = "local"
  api_url         = "http://127.0.0.1:8000/v1"
  gateway_url     = "http://127.0.0.1:8001"
  api_key         = var.unitysvc_api_key
  request_timeout = "30s"
  max_retries     = 4
}

variable "unitysvc_api_key" {
  type      = string
  sensitive = true
  default   = "svcpass_local_demo"
}
