# Files are uploaded with the SDK (client.files.upload) or the API's
# presigned-POST tickets; Terraform only reads them (the API has no delete,
# so there is no resource).
data "unitysvc_account_files" "prompts" {
  path = "prompts/"
}

check "system_prompt_uploaded" {
  assert {
    condition     = contains(data.unitysvc_account_files.prompts.keys, "prompts/system.txt")
    error_message = "Upload prompts/system.txt to your account files first."
  }
}

output "prompt_files" {
  value = data.unitysvc_account_files.prompts.keys
}
