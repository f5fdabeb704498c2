// Package secret implements the unitysvc_secret resource.
package secret

import "github.com/hashicorp/terraform-plugin-framework/resource"

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return []func() resource.Resource{NewResource} }
