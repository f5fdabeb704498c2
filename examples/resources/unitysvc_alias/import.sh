# An alias, by its name (when one live alias has it) or by its UUID
# (terraform import, or tofu import with OpenTofu):
terraform import unitysvc_alias.fast fast
terraform import unitysvc_alias.fast 3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a9b
