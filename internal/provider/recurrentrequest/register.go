// Package recurrentrequest implements the provider's recurrentrequest resources and data sources.
package recurrentrequest

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return nil }
