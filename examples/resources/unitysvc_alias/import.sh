# An alias, by its UUID (see `usvc aliases list`):
tofu import unitysvc_alias.chat 3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a9b
