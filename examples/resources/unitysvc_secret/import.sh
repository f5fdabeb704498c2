# A personal secret, by name:
terraform import unitysvc_secret.my_provider_api_key MY_PROVIDER_API_KEY

# A shared (team) secret:
terraform import unitysvc_secret.team_webhook shared/TEAM_WEBHOOK_TOKEN
