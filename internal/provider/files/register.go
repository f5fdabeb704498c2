// Package files implements the unitysvc_account_files data source. There
// is no managed resource for account files: the API has no delete (and
// no content hash), so a resource could never destroy what it made.
package files

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// DataSources lists the data sources of this area.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewDataSource}
}
