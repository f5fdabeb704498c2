import {
  to = unitysvc_collection_member.example
  id = "my-llms/f9be74cf-42e7-54f2-a600-d7420174d368"
}
