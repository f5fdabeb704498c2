// Package alias implements the provider's alias resources and data sources.
package alias

import (
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return nil }
