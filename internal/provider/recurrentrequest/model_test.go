package recurrentrequest

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider/tfutil"
)

func TestModelFromAPI(t *testing.T) {
	for _, tc := range []struct {
		name      string
		api       client.RecurrentRequestPublic
		prior     recurrentModel
		sensitive []string
		want      recurrentModel
	}{
		{
			// A draft: no name, body, headers or schedule are all null;
			// the timezone defaults to UTC.
			name: "draft",
			api:  client.RecurrentRequestPublic{ID: "r1", Status: "draft", RequestPath: "/g/llm", HTTPMethod: "POST", Name: new(""), RequestHeaders: map[string]string{}},
			want: recurrentModel{
				ID: types.StringValue("r1"), Name: types.StringNull(), ServiceID: types.StringNull(), EnrollmentID: types.StringNull(),
				RequestPath: types.StringValue("/g/llm"), HTTPMethod: types.StringValue("POST"), Body: tfutil.NewJSONNull(),
				Headers: types.MapNull(types.StringType), IntervalSeconds: types.Int64Null(), CronExpression: types.StringNull(),
				Timezone: types.StringValue("UTC"), Status: types.StringValue("draft"), NextRunAt: types.StringNull(),
				SensitiveHeaders: types.MapNull(types.StringType), SensitiveHeadersWO: types.MapNull(types.StringType),
			},
		},
		{
			// An interval schedule: the body is compact JSON, the next run
			// comes from the run state.
			name: "interval",
			api: client.RecurrentRequestPublic{ID: "r2", Status: "active", RequestPath: "/g/llm", HTTPMethod: "POST", Name: new("nightly"),
				ServiceID: new("s"), BodyTemplate: json.RawMessage(`{ "model": "gpt" }`), RequestHeaders: map[string]string{"X-A": "1"},
				Schedule: client.IntervalSchedule(300), State: &client.RecurrentRequestState{NextRunAt: new("2026-01-01T00:00:00Z")}},
			want: recurrentModel{
				ID: types.StringValue("r2"), Name: types.StringValue("nightly"), ServiceID: types.StringValue("s"), EnrollmentID: types.StringNull(),
				RequestPath: types.StringValue("/g/llm"), HTTPMethod: types.StringValue("POST"), Body: tfutil.NewJSONValue(`{"model":"gpt"}`),
				Headers: tfutil.StringMapValue(map[string]string{"X-A": "1"}), IntervalSeconds: types.Int64Value(300), CronExpression: types.StringNull(),
				Timezone: types.StringValue("UTC"), Status: types.StringValue("active"), NextRunAt: types.StringValue("2026-01-01T00:00:00Z"),
				SensitiveHeaders: types.MapNull(types.StringType), SensitiveHeadersWO: types.MapNull(types.StringType),
			},
		},
		{
			// A cron schedule keeps its timezone; an empty one means UTC.
			name: "cron",
			api: client.RecurrentRequestPublic{ID: "r3", Status: "paused", RequestPath: "/a/x", HTTPMethod: "GET",
				Schedule: &client.RecurrentSchedule{ScheduleType: client.ScheduleTypeCron, CronExpression: new("0 6 * * *"), Timezone: new("Europe/Paris")}},
			want: recurrentModel{
				ID: types.StringValue("r3"), Name: types.StringNull(), ServiceID: types.StringNull(), EnrollmentID: types.StringNull(),
				RequestPath: types.StringValue("/a/x"), HTTPMethod: types.StringValue("GET"), Body: tfutil.NewJSONNull(),
				Headers: types.MapNull(types.StringType), IntervalSeconds: types.Int64Null(), CronExpression: types.StringValue("0 6 * * *"),
				Timezone: types.StringValue("Europe/Paris"), Status: types.StringValue("paused"), NextRunAt: types.StringNull(),
				SensitiveHeaders: types.MapNull(types.StringType), SensitiveHeadersWO: types.MapNull(types.StringType),
			},
		},
		{
			// Sensitive headers: those the API masks and those named as
			// sensitive stay out of headers; sensitive_headers keeps the
			// prior values of the names the API still has.
			name: "sensitive headers",
			api: client.RecurrentRequestPublic{ID: "r4", Status: "active", RequestPath: "/g/llm", HTTPMethod: "POST",
				RequestHeaders: map[string]string{"X-A": "1", "X-Upstream-Token": client.MaskedValue, "x-plain-looking": "s3cret"},
				Schedule:       client.IntervalSchedule(60)},
			prior: recurrentModel{
				SensitiveHeaders:          tfutil.StringMapValue(map[string]string{"X-Plain-Looking": "s3cret", "X-Gone-Token": "t"}),
				SensitiveHeadersWOVersion: types.Int64Value(2),
			},
			sensitive: []string{"X-Plain-Looking", "X-Gone-Token"},
			want: recurrentModel{
				ID: types.StringValue("r4"), Name: types.StringNull(), ServiceID: types.StringNull(), EnrollmentID: types.StringNull(),
				RequestPath: types.StringValue("/g/llm"), HTTPMethod: types.StringValue("POST"), Body: tfutil.NewJSONNull(),
				Headers: tfutil.StringMapValue(map[string]string{"X-A": "1"}), IntervalSeconds: types.Int64Value(60), CronExpression: types.StringNull(),
				Timezone: types.StringValue("UTC"), Status: types.StringValue("active"), NextRunAt: types.StringNull(),
				SensitiveHeaders: tfutil.StringMapValue(map[string]string{"X-Plain-Looking": "s3cret"}), SensitiveHeadersWO: types.MapNull(types.StringType),
				SensitiveHeadersWOVersion: types.Int64Value(2),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := modelFromAPI(&tc.api, tc.prior, tc.sensitive); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("modelFromAPI =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestRecurrentDataModelFromAPI(t *testing.T) {
	// A draft has no schedule, so no timezone either; without a run
	// state, state is null.
	draft := recurrentDataModelFromAPI(&client.RecurrentRequestPublic{ID: "r1", Status: "draft", RequestPath: "/g/llm", HTTPMethod: "POST", CreatedAt: "t0"})
	if !draft.Timezone.IsNull() || draft.State != nil || !draft.Body.IsNull() || !draft.UpdatedAt.IsNull() || draft.CreatedAt.ValueString() != "t0" {
		t.Errorf("draft = %+v: want null timezone, state, body and updated_at", draft)
	}
	// A scheduled one reports its timezone, body text and run state.
	rr := recurrentDataModelFromAPI(&client.RecurrentRequestPublic{ID: "r2", Status: "active", RequestPath: "/g/llm", HTTPMethod: "POST",
		BodyTemplate: json.RawMessage(`{"a": 1}`), Schedule: client.IntervalSchedule(60), UpdatedAt: new("t1"),
		State: &client.RecurrentRequestState{RunCount: new(int64(3)), LastStatusCode: new(int64(200)), LastError: new("")}})
	want := runStateModel{NextRunAt: types.StringNull(), LastRunAt: types.StringNull(), RunCount: types.Int64Value(3), LastStatusCode: types.Int64Value(200), LastError: types.StringNull()}
	if rr.Timezone.ValueString() != "UTC" || rr.Body.ValueString() != `{"a":1}` || rr.UpdatedAt.ValueString() != "t1" || rr.State == nil || !reflect.DeepEqual(*rr.State, want) {
		t.Errorf("scheduled = %+v (state %+v)", rr, rr.State)
	}
}
