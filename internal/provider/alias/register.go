// Package alias implements the unitysvc_alias resource.
package alias

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return []func() resource.Resource{NewResource} }
