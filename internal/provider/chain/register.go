// Package chain implements the unitysvc_chain resource and data source:
// sequential dispatch chains reachable at the gateway's /c/<name>.
package chain

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

// listing is the chains' listing: the unitysvc_chains data source and the
// unitysvc_chain list resource.
var listing = kind.Listing()

// kind is the chain as a routing object (steps are its children): the
// flow of its resource and data source is routingobject's.
var kind = &routingobject.Kind[chainModel, client.ChainPublic, client.ChainCreate, client.ChainUpdate, client.ChainStepCreate]{
	Noun: "chain", Prefix: "c", Children: "steps",
	ResourceDescription: resourceDescription, ResourceAttributes: resourceAttributes,
	DataSourceDescription: dataSourceDescription, DataSourceAttributes: dataSourceAttributes,
	Get:     (*client.Client).GetChain,
	List:    (*client.Client).ListChains,
	Find:    (*client.Client).FindChainsByName,
	Create:  (*client.Client).CreateChain,
	Update:  (*client.Client).UpdateChain,
	Replace: (*client.Client).ReplaceChainSteps,
	Delete:  (*client.Client).DeleteChain,
	Object: func(c *client.ChainPublic) routingobject.Object {
		return routingobject.Object{ID: c.ID, Name: c.Name, CreatedAt: c.CreatedAt, Description: c.Description, Enabled: c.Enabled, Shared: c.Shared()}
	},
	Base:         func(m *chainModel) *routingobject.Common { return &m.Common },
	FromAPI:      modelFromAPI,
	ChildList:    func(m *chainModel) *types.List { return &m.Steps },
	ChildrenBody: stepsToAPI,
	CreateBody:   createBody,
	Differences:  differences,
	UpdateBody:   updateBody,
}
