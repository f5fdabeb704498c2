# Import a member as <collection_id>/<service_id>...
tofu import unitysvc_collection_member.example 8fae1314-cd96-4c29-ae41-6df0937b6345/f9be74cf-42e7-54f2-a600-d7420174d368

# ...or as <collection_name>/<service_id>.
tofu import unitysvc_collection_member.example my-llms/f9be74cf-42e7-54f2-a600-d7420174d368
