resource "unitysvc_collection" "mine" {
  name = "group-ds-mine"
}
data "unitysvc_group" "mine" {
  name = unitysvc_collection.mine.name
}
