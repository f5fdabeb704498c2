# A recurrent request, by its name or by its UUID
# (terraform import, or tofu import with OpenTofu):
terraform import unitysvc_recurrent_request.chat_ping chat-ping
terraform import unitysvc_recurrent_request.chat_ping 7c9e6679-7425-40de-944b-e07fc1f90ae7
