# Import a collection by its UUID...
tofu import unitysvc_collection.example 8fae1314-cd96-4c29-ae41-6df0937b6345

# ...or by name (shared/<name> for a shared collection).
tofu import unitysvc_collection.example my-llms
tofu import unitysvc_collection.team shared/team-llms
