// Package functions holds the provider-defined functions (OpenTofu 1.7+,
// Terraform 1.8+): pure helpers for gateway paths and URLs. Functions see
// no provider configuration, so each takes what it needs as arguments.
package functions

import "github.com/hashicorp/terraform-plugin-framework/function"

// Functions are the provider's functions.
func Functions() []func() function.Function {
	return []func() function.Function{
		NewWrappedPath,
		NewGatewayURL,
		NewParseGatewayPath,
	}
}
