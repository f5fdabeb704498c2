import {
  to = unitysvc_collection.example
  id = "my-llms"
}
