package collection

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

// The collections' listings: the unitysvc_collections data source (each
// collection with its members), and the unitysvc_collection and
// unitysvc_collection_member list resources. All list with the same
// filters and the same calls: one GET /groups?owner=own, then, where
// members are wanted, one GET /groups/{id}/members per collection that
// has members (the listing does not include them, but says how many
// there are).

var collectionFilters = []tfutil.Filter{
	{Name: "name", Description: "Only collections whose name contains this text (the API's filter)."},
	tfutil.ScopeFilter,
}

// listedCollection is a collection of the listing, with its members when
// they were asked for.
type listedCollection struct {
	view    client.CustomerGroupView
	members []client.ServiceCollectionMemberPublic
}

func (l *listedCollection) shared() bool {
	shared, _ := client.CollectionShared(l.view.Details)
	return shared
}

// listCollections lists the caller's collections matching the filters,
// with their members when withMembers is set.
func listCollections(ctx context.Context, c *client.Client, f map[string]string, withMembers bool) ([]listedCollection, error) {
	views, err := c.ListGroups(ctx, client.ListGroupsOptions{Owner: "own", Name: f["name"], SharedOnly: f["scope"] == tfutil.ScopeShared})
	if err != nil {
		return nil, err
	}
	var out []listedCollection
	for _, v := range views {
		l := listedCollection{view: v}
		if !tfutil.InScope(f["scope"], l.shared()) {
			continue
		}
		if withMembers && v.MemberCount > 0 {
			if l.members, err = c.ListCollectionMembers(ctx, v.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, l)
	}
	return out, nil
}

var collectionsListing = &tfutil.Listing[listedCollection]{
	Noun: "collection", Plural: "collections",
	Description: "Your collections (personal and your team's shared ones), each with its members: one call for the list, and one per collection that has members.",
	Filters:     collectionFilters,
	List: func(ctx context.Context, c *client.Client, f map[string]string) ([]listedCollection, error) {
		return listCollections(ctx, c, f, true)
	},
	ItemAttributes: map[string]schema.Attribute{
		"id":           schema.StringAttribute{Computed: true, MarkdownDescription: "The collection's UUID."},
		"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Its name (the gateway path is `g/<name>`)."},
		"display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "Its display name, if any."},
		"shared":       schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it is your team's (shared) collection."},
		"gateway_path": schema.StringAttribute{Computed: true, MarkdownDescription: "`g/<name>`."},
		"import_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "The ID `unitysvc_collection` imports it by (its UUID)."},
		"members": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Its members, in `sort_order`.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"service_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The member service's UUID."},
				"routing_key": schema.MapAttribute{Computed: true, ElementType: types.StringType,
					MarkdownDescription: "Its routing key override; null when it uses the service's own."},
				"sort_order": schema.Int64Attribute{Computed: true, MarkdownDescription: "Its position."},
				"import_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "The ID `unitysvc_collection_member` imports it by: `<collection_id>/<service_id>`."},
			}},
		},
	},
	Item: func(l *listedCollection, _ *tfutil.ProviderData) any {
		m := collectionItemModel{
			ID: types.StringValue(l.view.ID), Name: types.StringValue(l.view.Name), DisplayName: tfutil.StringOrNull(l.view.DisplayName),
			Shared: types.BoolValue(l.shared()), GatewayPath: types.StringValue(gatewayPath(l.view.Name)), ImportID: types.StringValue(l.view.ID),
			Members: []memberItemModel{},
		}
		for i := range l.members {
			mm := memberModelFromAPI(l.view.ID, &l.members[i])
			m.Members = append(m.Members, memberItemModel{ServiceID: mm.ServiceID, RoutingKey: mm.RoutingKey, SortOrder: mm.SortOrder, ImportID: mm.ID})
		}
		return m
	},
}

type collectionItemModel struct {
	ID          types.String      `tfsdk:"id"`
	Name        types.String      `tfsdk:"name"`
	DisplayName types.String      `tfsdk:"display_name"`
	Shared      types.Bool        `tfsdk:"shared"`
	GatewayPath types.String      `tfsdk:"gateway_path"`
	ImportID    types.String      `tfsdk:"import_id"`
	Members     []memberItemModel `tfsdk:"members"`
}

type memberItemModel struct {
	ServiceID  types.String `tfsdk:"service_id"`
	RoutingKey types.Map    `tfsdk:"routing_key"`
	SortOrder  types.Int64  `tfsdk:"sort_order"`
	ImportID   types.String `tfsdk:"import_id"`
}

// collectionListing is the unitysvc_collection list resource's listing:
// the collections without their members; a result that includes the
// resource object reads the collection (the listing lacks its
// description and enabled flag).
var collectionListing = &tfutil.Listing[listedCollection]{
	Noun: "collection", Plural: "collections",
	Description: "Your collections (personal and your team's shared ones).",
	Filters:     collectionFilters,
	List: func(ctx context.Context, c *client.Client, f map[string]string) ([]listedCollection, error) {
		return listCollections(ctx, c, f, false)
	},
	Resource: func(ctx context.Context, c *client.Client, l *listedCollection, pd *tfutil.ProviderData, full bool) (any, error) {
		if !full {
			return collectionModel{ID: types.StringValue(l.view.ID), Name: types.StringValue(l.view.Name)}, nil
		}
		g, err := c.GetCollection(ctx, l.view.ID)
		if err != nil {
			return nil, err
		}
		return collectionModelFromAPI(g, collectionModel{}, pd), nil
	},
	Display: func(l *listedCollection) string { return l.view.Name },
}

// listedMember is one member of one of the caller's collections.
type listedMember struct {
	collection string
	member     client.ServiceCollectionMemberPublic
}

// memberListing is the unitysvc_collection_member list resource's
// listing: every member of every listed collection.
var memberListing = &tfutil.Listing[listedMember]{
	Noun: "collection_member", Plural: "collection_members",
	Description: "The members of your collections (personal and your team's shared ones): one call for the collections, and one per collection that has members.",
	Filters:     collectionFilters,
	List: func(ctx context.Context, c *client.Client, f map[string]string) ([]listedMember, error) {
		cols, err := listCollections(ctx, c, f, true)
		var out []listedMember
		for _, col := range cols {
			for _, m := range col.members {
				out = append(out, listedMember{collection: col.view.ID, member: m})
			}
		}
		return out, err
	},
	Resource: func(_ context.Context, _ *client.Client, l *listedMember, _ *tfutil.ProviderData, _ bool) (any, error) {
		return memberModelFromAPI(l.collection, &l.member), nil
	},
	Display: func(l *listedMember) string { return l.collection + "/" + l.member.ServiceID },
}

// NewCollectionsDataSource returns the unitysvc_collections data source.
func NewCollectionsDataSource() datasource.DataSource { return collectionsListing.DataSource()() }

// NewCollectionListResource returns the unitysvc_collection list resource.
func NewCollectionListResource() list.ListResource { return collectionListing.ListResource()() }

// NewMemberListResource returns the unitysvc_collection_member list
// resource.
func NewMemberListResource() list.ListResource { return memberListing.ListResource()() }
