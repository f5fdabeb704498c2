import {
  to = unitysvc_broadcast.example
  id = "eval-fanout" # the broadcast's name or its UUID
}
