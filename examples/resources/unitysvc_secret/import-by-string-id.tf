import {
  to = unitysvc_secret.my_provider_api_key
  id = "MY_PROVIDER_API_KEY"
}

import {
  to = unitysvc_secret.team_webhook
  id = "shared/TEAM_WEBHOOK_TOKEN"
}
