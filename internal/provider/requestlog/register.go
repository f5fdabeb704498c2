// Package requestlog implements request logging: the
// unitysvc_request_logging switch and the unitysvc_request_logs and
// unitysvc_request_log data sources.
package requestlog

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return []func() resource.Resource{NewResource} }

// DataSources lists the data sources of this area.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewLogsDataSource, NewLogDataSource}
}
