package requestlog

import (
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func TestLogsModelFromAPI(t *testing.T) {
	m := logsModelFromAPI(logsModel{}, nil, 0)
	if m.Items == nil || len(m.Items) != 0 || m.TotalCount.ValueInt64() != 0 {
		t.Fatalf("no logs: items must be empty, not null: %+v", m)
	}
	items := []client.RequestLogItem{
		{LogID: "2", UserRequestPath: "/c/x", UpstreamResponseStatusCode: new(int64(503)), ErrorSource: new("upstream"), ErrorType: new("upstream_status")},
		{LogID: "1", UserRequestPath: "/c/x", RecurrentRequestID: new("r")},
	}
	m = logsModelFromAPI(logsModel{}, items, 7)
	if m.TotalCount.ValueInt64() != 7 || len(m.Items) != 2 || m.Items[0].ID.ValueString() != "2" || m.Items[0].StatusCode.ValueInt64() != 503 ||
		m.Items[0].ErrorType.ValueString() != "upstream_status" || !m.Items[1].StatusCode.IsNull() || m.Items[1].RecurrentRequestID.ValueString() != "r" {
		t.Fatalf("items %+v", m.Items)
	}
}
