# A recurrent request, by its UUID (see `usvc recurrent-requests list`):
tofu import unitysvc_recurrent_request.chat_ping 7c9e6679-7425-40de-944b-e07fc1f90ae7
