// Package broadcast implements the unitysvc_broadcast resource and data
// source: fan-out configurations reachable at the gateway's /b/<name>.
package broadcast

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/routingobject"
)

// Resources lists the resources of this area.
func Resources() []func() resource.Resource { return []func() resource.Resource{NewResource} }

// DataSources lists the data sources of this area.
func DataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewDataSource, listing.DataSource()}
}

// ListResources lists the list resources of this area.
func ListResources() []func() list.ListResource {
	return []func() list.ListResource{listing.ListResource()}
}

// listing is the broadcasts' listing: the unitysvc_broadcasts data source and the
// unitysvc_broadcast list resource.
var listing = kind.Listing()

// kind is the broadcast as a routing object (targets are its children):
// the flow of its resource and data source is routingobject's.
var kind = &routingobject.Kind[broadcastModel, client.BroadcastPublic, client.BroadcastCreate, client.BroadcastUpdate, client.BroadcastTargetCreate]{
	Noun: "broadcast", Prefix: "b", Children: "targets",
	ResourceDescription: resourceDescription, ResourceAttributes: resourceAttributes,
	DataSourceDescription: dataSourceDescription, DataSourceAttributes: dataSourceAttributes,
	Get:     (*client.Client).GetBroadcast,
	List:    (*client.Client).ListBroadcasts,
	Find:    (*client.Client).FindBroadcastsByName,
	Create:  (*client.Client).CreateBroadcast,
	Update:  (*client.Client).UpdateBroadcast,
	Replace: (*client.Client).ReplaceBroadcastTargets,
	Delete:  (*client.Client).DeleteBroadcast,
	Object: func(b *client.BroadcastPublic) routingobject.Object {
		return routingobject.Object{ID: b.ID, Name: b.Name, CreatedAt: b.CreatedAt, Description: b.Description, Enabled: b.Enabled, Shared: b.Shared()}
	},
	Base:         func(m *broadcastModel) *routingobject.Common { return &m.Common },
	FromAPI:      modelFromAPI,
	ChildList:    func(m *broadcastModel) *types.List { return &m.Targets },
	ChildrenBody: targetsToAPI,
	CreateBody:   createBody,
	Differences:  differences,
	UpdateBody:   updateBody,
}
