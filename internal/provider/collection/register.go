// Package collection implements the provider's collection resources and data sources.
package collection

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{NewResource, NewMemberResource}
}
