package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// newScheduleTestClient returns a client to a server running h, with fast
// retries.
func newScheduleTestClient(t *testing.T, h http.HandlerFunc) *client.Client {
	t.Helper()
	srv := httptest.NewServer(client.ServeBaseCheck(h))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{BaseURL: srv.URL + "/v1", APIKey: "svcpass_test", MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scheduleBody decodes a request body into a generic map, keeping JSON
// nulls visible as present keys.
func scheduleBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Error(err)
	}
	m := map[string]any{}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("request body %q is not a JSON object: %v", b, err)
		}
	}
	return m
}

func scheduleJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func aliasJSON(id, name string) map[string]any {
	return map[string]any{"id": id, "customer_id": "c1", "owner_id": "u1", "name": name, "target_path": "g/llm", "is_routing": true, "created_at": "2026-01-01T00:00:00Z"}
}

func TestCreateAliasSendsScopeAndBody(t *testing.T) {
	var got map[string]any
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/aliases/" || r.URL.Query().Get("shared") != "true" {
			t.Errorf("request %s %s?%s", r.Method, r.URL.Path, r.URL.RawQuery)
		}
		got = scheduleBody(t, r)
		a := aliasJSON("a1", "chat")
		a["owner_id"], a["is_routing"] = nil, false
		scheduleJSON(w, http.StatusCreated, a)
	})
	routing := false
	a, err := c.CreateAlias(context.Background(), true, client.ServiceAliasCreate{
		Name: "chat", TargetPath: "g/llm", IsRouting: &routing, RoutingKeyOverride: map[string]any{"model": "gpt-4o"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Shared() || a.IsRouting {
		t.Fatalf("alias = %+v; want shared, not routing", a)
	}
	if got["is_routing"] != false || got["name"] != "chat" || got["target_path"] != "g/llm" {
		t.Fatalf("body = %v", got)
	}
	for _, k := range []string{"description", "request_routing_key"} {
		if _, ok := got[k]; ok {
			t.Errorf("unset %s was sent: %v", k, got)
		}
	}
}

func TestUpdateAliasSendsOnlySetFieldsAndNulls(t *testing.T) {
	var got map[string]any
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch || r.URL.Path != "/v1/aliases/a1" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		got = scheduleBody(t, r)
		scheduleJSON(w, http.StatusOK, aliasJSON("a1", "chat"))
	})
	target := "g/embeddings"
	_, err := c.UpdateAlias(context.Background(), "a1", client.ServiceAliasUpdate{
		Description:       client.NullOf[string](),
		RequestRoutingKey: client.NullableOf(map[string]any{"model": "m"}),
		TargetPath:        client.NullableOf(target),
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := got["description"]; !ok || v != nil {
		t.Errorf("description should be sent as null: %v", got)
	}
	if _, ok := got["routing_key_override"]; ok {
		t.Errorf("unset routing_key_override was sent: %v", got)
	}
	if rk, _ := got["request_routing_key"].(map[string]any); rk["model"] != "m" || got["target_path"] != target {
		t.Errorf("body = %v", got)
	}
}

func TestListAliasesFollowsPagesWithFilters(t *testing.T) {
	const total = 230
	calls := 0
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		q := r.URL.Query()
		if q.Get("include_deactivated") != "true" || q.Get("name") != "chat" || q.Get("limit") != strconv.Itoa(client.PageSize) {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		skip, _ := strconv.Atoi(q.Get("skip"))
		data := []any{}
		for i := skip; i < total && i < skip+client.PageSize; i++ {
			data = append(data, aliasJSON(fmt.Sprintf("a%d", i), "chat"))
		}
		scheduleJSON(w, http.StatusOK, map[string]any{"data": data, "count": total})
	})
	all, err := c.ListAliases(context.Background(), client.ListAliasesOptions{Name: "chat", IncludeDeactivated: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != total || calls != 3 || all[total-1].ID != "a229" {
		t.Fatalf("got %d aliases in %d calls", len(all), calls)
	}
}

func TestGetAliasDeactivatedAndNotFound(t *testing.T) {
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/aliases/gone" {
			a := aliasJSON("gone", "chat")
			a["deactivated_at"] = "2026-01-02T00:00:00Z"
			scheduleJSON(w, http.StatusOK, a)
			return
		}
		scheduleJSON(w, http.StatusNotFound, map[string]string{"detail": "Alias x not found"})
	})
	a, err := c.GetAlias(context.Background(), "gone")
	if err != nil || !a.Deactivated() {
		t.Fatalf("deactivated alias: %+v, %v", a, err)
	}
	_, err = c.GetAlias(context.Background(), "missing")
	if !client.IsNotFound(err) {
		t.Fatalf("missing alias error = %v, want a 404", err)
	}
}

func TestCreateAliasConflictCarriesDetail(t *testing.T) {
	calls := 0
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		scheduleJSON(w, http.StatusConflict, map[string]string{"detail": "An alias named 'chat' already exists"})
	})
	_, err := c.CreateAlias(context.Background(), false, client.ServiceAliasCreate{Name: "chat", TargetPath: "g/llm"})
	var apiErr *client.APIError
	if !client.IsConflict(err) || !errors.As(err, &apiErr) || apiErr.Detail != "An alias named 'chat' already exists" || calls != 1 {
		t.Fatalf("error = %v after %d calls; want one 409 with the server's detail", err, calls)
	}
}

func TestSwitchAliasRoutingQueryAndEscaping(t *testing.T) {
	c := newScheduleTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.EscapedPath() != "/v1/aliases/my%2Falias/switch" {
			t.Errorf("request %s %s", r.Method, r.URL.EscapedPath())
		}
		q := r.URL.Query()
		if q.Get("on") != "false" || q.Get("target") != "anth" || q.Get("routing_key") != "" {
			t.Errorf("query %s", r.URL.RawQuery)
		}
		scheduleJSON(w, http.StatusOK, map[string]any{"alias": aliasJSON("a1", "my"), "demoted_alias_id": "a0"})
	})
	res, err := c.SwitchAliasRouting(context.Background(), "my/alias", false, client.SwitchAliasOptions{Target: "anth"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Alias.ID != "a1" || res.DemotedAliasID == nil || *res.DemotedAliasID != "a0" {
		t.Fatalf("response = %+v", res)
	}
}
