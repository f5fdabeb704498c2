// Package resolve implements the unitysvc_resolve data source: a dry run
// of the gateway's routing decision for a path.
package resolve

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// DataSources lists the data sources of this area.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewDataSource}
}
