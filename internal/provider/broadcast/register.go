// Package broadcast implements the unitysvc_broadcast resource and data
// source: fan-out configurations reachable at the gateway's /b/<name>.
package broadcast

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return []func() resource.Resource{NewResource} }

// DataSources lists the data sources of this area.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewDataSource}
}
