package requestlog

import (
	"encoding/json"
	"testing"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

func TestBodyString(t *testing.T) {
	cases := map[string]struct {
		raw  string
		want string
		null bool
	}{
		"absent":        {"", "", true},
		"JSON null":     {"null", "", true},
		"object":        {`{"model": "x",  "n":1}`, `{"model":"x","n":1}`, false},
		"string":        {`"a preview…"`, "a preview…", false},
		"empty string":  {`""`, "", false},
		"not JSON text": {`{oops`, `{oops`, false},
	}
	for name, c := range cases {
		got := bodyString(json.RawMessage(c.raw))
		if got.IsNull() != c.null || (!c.null && got.ValueString() != c.want) {
			t.Errorf("%s: bodyString(%q) = %v, want %q (null %v)", name, c.raw, got, c.want, c.null)
		}
	}
}

func TestLogModelFromAPI(t *testing.T) {
	full := &client.RequestLogDetail{
		LogID: "l", EventTimestamp: "t", GatewaySource: "apisix", CustomerID: "c", UserID: "u", ServiceID: new("s"),
		UserRequest:      client.UserRequestInfo{Method: "POST", Path: "/g/x/v1/chat/completions", ContentType: "application/json", Headers: map[string]string{"authorization": "[redacted]"}, Body: json.RawMessage(`{"model":"m"}`)},
		UpstreamResponse: &client.UpstreamResponseInfo{StatusCode: 200, TimeMS: new(12.5), Body: json.RawMessage(`{"id":"r"}`)},
	}
	m := logModelFromAPI(full)
	if m.StatusCode.ValueInt64() != 200 || m.TimeMS.ValueFloat64() != 12.5 || m.RequestBody.ValueString() != `{"model":"m"}` || m.ResponseBody.ValueString() != `{"id":"r"}` {
		t.Fatalf("full log %+v", m)
	}
	if !m.EnrollmentID.IsNull() || !m.ErrorCategory.IsNull() || !m.ResponseHeaders.IsNull() || m.RequestHeaders.IsNull() {
		t.Fatalf("absent fields must be null, present ones set: %+v", m)
	}
	failed := &client.RequestLogDetail{LogID: "l", UserRequest: client.UserRequestInfo{Method: "GET", Path: "/g/x"},
		Error: &client.SanitizedErrorInfo{Category: "no_route", RequestID: "rq"}}
	m = logModelFromAPI(failed)
	if !m.StatusCode.IsNull() || !m.ResponseBody.IsNull() || !m.TimeMS.IsNull() || m.ErrorCategory.ValueString() != "no_route" || m.ErrorRequestID.ValueString() != "rq" {
		t.Fatalf("a log with no upstream answer: %+v", m)
	}
}
