terraform {
  required_providers {
    unitysvc = { source = "unitysvc/unitysvc" }
  }
}

provider "unitysvc" {} # UNITYSVC_API_KEY, UNITYSVC_API_URL
