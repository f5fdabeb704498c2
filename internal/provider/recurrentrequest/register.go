// Package recurrentrequest implements the unitysvc_recurrent_request resource.
package recurrentrequest

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return []func() resource.Resource{NewResource} }
