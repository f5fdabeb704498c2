# Import a chain by its UUID:
tofu import unitysvc_chain.example 3f6c1a52-8d0e-4b7a-9c1e-2a5b7d9e0f13

# or by its name (when only one of your personal and shared chains has it):
tofu import unitysvc_chain.example llm-failover
