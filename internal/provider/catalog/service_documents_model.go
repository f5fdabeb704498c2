package catalog

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

type documentModel struct {
	ID          types.String `tfsdk:"id"`
	Title       types.String `tfsdk:"title"`
	Description types.String `tfsdk:"description"`
	Category    types.String `tfsdk:"category"`
	MimeType    types.String `tfsdk:"mime_type"`
	Version     types.String `tfsdk:"version"`
	SortOrder   types.Int64  `tfsdk:"sort_order"`
	ExternalURL types.String `tfsdk:"external_url"`
	Filename    types.String `tfsdk:"filename"`
	Content     types.String `tfsdk:"content"`
	RenderError types.String `tfsdk:"render_error"`
}

type serviceDocumentsModel struct {
	ServiceID           types.String    `tfsdk:"service_id"`
	Category            types.String    `tfsdk:"category"`
	MimeType            types.String    `tfsdk:"mime_type"`
	IncludeContent      types.Bool      `tfsdk:"include_content"`
	Interface           types.String    `tfsdk:"interface"`
	AvailableInterfaces types.List      `tfsdk:"available_interfaces"`
	Documents           []documentModel `tfsdk:"documents"`
}

// serviceDocumentsModelFromAPI keeps the inputs of m and fills in the answer.
func serviceDocumentsModelFromAPI(m serviceDocumentsModel, docs *client.ServiceDocuments) serviceDocumentsModel {
	m.Interface = tfutil.StringOrNull(docs.Interface)
	m.AvailableInterfaces = tfutil.StringList(docs.AvailableInterfaces)
	m.Documents = make([]documentModel, 0, len(docs.Documents))
	for _, d := range docs.Documents {
		m.Documents = append(m.Documents, documentModel{
			ID: types.StringValue(d.ID), Title: types.StringValue(d.Title), Description: tfutil.StringOrNull(d.Description),
			Category: types.StringValue(d.Category), MimeType: types.StringValue(d.MimeType), Version: tfutil.StringOrNull(d.Version),
			SortOrder: types.Int64Value(d.SortOrder), ExternalURL: tfutil.StringOrNull(d.ExternalURL),
			Filename: tfutil.StringOrNull(d.Filename), Content: types.StringPointerValue(d.Content), RenderError: tfutil.StringOrNull(d.RenderError),
		})
	}
	return m
}
