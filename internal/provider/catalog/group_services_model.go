package catalog

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type serviceSummaryModel struct {
	ID          types.String `tfsdk:"id"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	ServiceType types.String `tfsdk:"service_type"`
	GatewayType types.String `tfsdk:"gateway_type"`
}

type groupServicesModel struct {
	ID       types.String          `tfsdk:"id"`
	Group    types.String          `tfsdk:"group"`
	Search   types.String          `tfsdk:"search"`
	Services []serviceSummaryModel `tfsdk:"services"`
}

func serviceSummaryModelFromAPI(s client.ServiceSummary) serviceSummaryModel {
	return serviceSummaryModel{
		ID: types.StringValue(s.ID), Name: types.StringValue(s.Name), DisplayName: tfutil.StringOrNull(s.DisplayName),
		ServiceType: tfutil.StringOrNull(s.ServiceType), GatewayType: tfutil.StringOrNull(s.GatewayType),
	}
}

// groupServicesModelFromAPI keeps the inputs of m and fills in the
// services, in the group's order.
func groupServicesModelFromAPI(m groupServicesModel, services []client.ServiceSummary) groupServicesModel {
	m.ID = types.StringValue(m.Group.ValueString() + "/" + m.Search.ValueString())
	m.Services = make([]serviceSummaryModel, 0, len(services))
	for _, s := range services {
		m.Services = append(m.Services, serviceSummaryModelFromAPI(s))
	}
	return m
}
