# Import a broadcast by its UUID:
tofu import unitysvc_broadcast.example 7b1e4c0a-2f3d-4e5a-8b6c-9d0e1f2a3b4c

# or by its name (when only one of your personal and shared broadcasts has it):
tofu import unitysvc_broadcast.example eval-fanout
