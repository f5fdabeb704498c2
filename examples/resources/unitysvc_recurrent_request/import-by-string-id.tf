# By name, or by UUID.
import {
  to = unitysvc_recurrent_request.chat_ping
  id = "chat-ping"
}
