// Package catalog implements the data sources that read the platform
// catalog: groups, a group's services, services and their documents.
package catalog

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// DataSources lists the data sources of this area.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewGroupsDataSource, NewGroupDataSource, NewGroupServicesDataSource, NewServiceDataSource, NewServiceDocumentsDataSource}
}
