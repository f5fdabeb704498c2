// Package chain implements the provider's chain resources and data sources.
package chain

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return nil }

// DataSources lists the data sources of this area.
func DataSources() []func() datasource.DataSource { return nil }
