// Package collection implements the provider's collection resources and data sources.
package collection

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource {
	return []func() resource.Resource{NewResource, NewMemberResource}
}

// DataSources lists the data sources of this area.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewCollectionsDataSource}
}

// ListResources lists the list resources of this area.
func ListResources() []func() list.ListResource {
	return []func() list.ListResource{NewCollectionListResource, NewMemberListResource}
}
