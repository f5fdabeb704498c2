resource "unitysvc_collection_member" "gpt" {
  collection_id = unitysvc_collection.my_llms.id
  service_id    = "f9be74cf-42e7-54f2-a600-d7420174d368"
}
