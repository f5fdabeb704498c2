package catalog

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type serviceInterfaceModel struct {
	Name         types.String `tfsdk:"name"`
	Description  types.String `tfsdk:"description"`
	AccessMethod types.String `tfsdk:"access_method"`
	BaseURL      types.String `tfsdk:"base_url"`
	GroupName    types.String `tfsdk:"group_name"`
	EnrollmentID types.String `tfsdk:"enrollment_id"`
}

type parameterModel struct {
	Name     types.String `tfsdk:"name"`
	Required types.Bool   `tfsdk:"required"`
}

type channelModel struct {
	Name               types.String `tfsdk:"name"`
	ChannelType        types.String `tfsdk:"channel_type"`
	Free               types.Bool   `tfsdk:"free"`
	Price              types.String `tfsdk:"price"`
	Currency           types.String `tfsdk:"currency"`
	PriceDescription   types.String `tfsdk:"price_description"`
	RequiresEnrollment types.Bool   `tfsdk:"requires_enrollment"`
	RequiredSecrets    types.List   `tfsdk:"required_secrets"`
	OptionalSecrets    types.List   `tfsdk:"optional_secrets"`
}

type serviceModel struct {
	ID                types.String            `tfsdk:"id"`
	Group             types.String            `tfsdk:"group"`
	Name              types.String            `tfsdk:"name"`
	DisplayName       types.String            `tfsdk:"display_name"`
	Description       types.String            `tfsdk:"description"`
	ServiceType       types.String            `tfsdk:"service_type"`
	GatewayType       types.String            `tfsdk:"gateway_type"`
	ProviderName      types.String            `tfsdk:"provider_name"`
	SellerName        types.String            `tfsdk:"seller_name"`
	Capabilities      types.List              `tfsdk:"capabilities"`
	Tags              types.List              `tfsdk:"tags"`
	ListPrice         types.String            `tfsdk:"list_price"`
	EnrollmentChannel types.String            `tfsdk:"enrollment_channel"`
	ListingType       types.String            `tfsdk:"listing_type"`
	EnrollmentMode    types.String            `tfsdk:"enrollment_mode"`
	Parameters        []parameterModel        `tfsdk:"parameters"`
	RequiredSecrets   types.List              `tfsdk:"required_secrets"`
	OptionalSecrets   types.List              `tfsdk:"optional_secrets"`
	Channels          []channelModel          `tfsdk:"channels"`
	Interfaces        []serviceInterfaceModel `tfsdk:"interfaces"`
}

func secretNames(reqs []client.SecretRequirement) []string {
	out := make([]string, 0, len(reqs))
	for _, r := range reqs {
		out = append(out, r.Name)
	}
	return out
}

// appendUnique appends the names not yet in seen.
func appendUnique(dst []string, seen map[string]bool, names []string) []string {
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			dst = append(dst, n)
		}
	}
	return dst
}

func serviceModelFromAPI(group types.String, s *client.ServiceDetail, u *client.AccessPlan, ifaces []client.AccessInterface) serviceModel {
	m := serviceModel{
		ID: types.StringValue(s.ID), Group: group, Name: types.StringValue(s.Name),
		DisplayName: tfutil.StringOrNull(s.DisplayName), Description: tfutil.StringOrNull(s.Description),
		ServiceType: tfutil.StringOrNull(s.ServiceType), GatewayType: tfutil.StringOrNull(s.GatewayType),
		ProviderName: tfutil.StringOrNull(s.ProviderName), SellerName: tfutil.StringOrNull(s.SellerName),
		Capabilities: tfutil.StringList(s.Capabilities), Tags: tfutil.StringList(s.Tags),
		ListPrice: tfutil.JSONString(s.ListPrice), EnrollmentChannel: tfutil.StringOrNull(s.EnrollmentChannel),
		ListingType: tfutil.StringOrNull(s.ListingType), EnrollmentMode: types.StringValue(u.EnrollmentMode),
		Parameters: []parameterModel{}, Channels: []channelModel{}, Interfaces: []serviceInterfaceModel{},
	}
	for _, p := range u.Parameters {
		m.Parameters = append(m.Parameters, parameterModel{Name: types.StringValue(p.Name), Required: types.BoolValue(p.Required)})
	}
	var required, optional []string
	seenReq, seenOpt := map[string]bool{}, map[string]bool{}
	for _, c := range u.Channels {
		req, opt := secretNames(c.RequiredSecrets), secretNames(c.OptionalSecrets)
		required = appendUnique(required, seenReq, req)
		optional = appendUnique(optional, seenOpt, opt)
		m.Channels = append(m.Channels, channelModel{
			Name: types.StringValue(c.Name), ChannelType: types.StringValue(c.ChannelType), Free: types.BoolValue(c.Free),
			Price: tfutil.StringOrNull(c.Price), Currency: tfutil.StringOrNull(c.Currency),
			PriceDescription: tfutil.StringOrNull(c.PriceDescription), RequiresEnrollment: types.BoolValue(c.RequiresEnrollment),
			RequiredSecrets: tfutil.StringList(req), OptionalSecrets: tfutil.StringList(opt),
		})
	}
	m.RequiredSecrets, m.OptionalSecrets = tfutil.StringList(required), tfutil.StringList(optional)
	for _, i := range ifaces {
		m.Interfaces = append(m.Interfaces, serviceInterfaceModel{
			Name: types.StringValue(i.Name), Description: tfutil.StringOrNull(i.Description),
			AccessMethod: tfutil.StringOrNull(i.AccessMethod), BaseURL: tfutil.StringOrNull(i.BaseURL),
			GroupName: tfutil.StringOrNull(i.GroupName), EnrollmentID: tfutil.StringOrNull(i.EnrollmentID),
		})
	}
	return m
}
