package client

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestCreateCollection(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/groups" || r.URL.Query().Get("shared") != "true" {
			t.Errorf("request %s %s?%s", r.Method, r.URL.Path, r.URL.RawQuery)
		}
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body["name"] != "my-llms" || body["display_name"] != "My LLMs" {
			t.Errorf("body = %v", body)
		}
		if _, ok := body["description"]; ok {
			t.Errorf("unset description sent: %v", body)
		}
		writeTestJSON(w, http.StatusCreated, map[string]any{"id": "c-1", "name": "my-llms", "owner_type": "customer", "editable": true,
			"group_type": "open", "member_count": 0, "details": map[string]any{"shared": true}})
	})
	dn := "My LLMs"
	g, err := c.CreateCollection(context.Background(), ServiceCollectionCreate{Name: "my-llms", DisplayName: &dn}, true)
	if err != nil {
		t.Fatal(err)
	}
	if g.ID != "c-1" || g.GroupType != "open" {
		t.Fatalf("collection = %+v", g)
	}
	if shared, known := CollectionShared(g.Details); !shared || !known {
		t.Fatalf("CollectionShared = %v, %v", shared, known)
	}
}

func TestCollectionShared(t *testing.T) {
	for _, tc := range []struct {
		in            string
		shared, known bool
	}{
		{`{"shared": false}`, false, true},
		{`{"shared": true, "enabled": true}`, true, true},
		{`{}`, false, false},
		{`null`, false, false},
		{``, false, false},
		{`[1]`, false, false},
	} {
		if s, k := CollectionShared(json.RawMessage(tc.in)); s != tc.shared || k != tc.known {
			t.Errorf("CollectionShared(%s) = %v, %v", tc.in, s, k)
		}
	}
}

func TestCreateCollectionConflict(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		writeTestJSON(w, http.StatusConflict, map[string]any{"detail": "A collection named 'x' already exists"})
	})
	_, err := c.CreateCollection(context.Background(), ServiceCollectionCreate{Name: "x"}, false)
	if !IsConflict(err) || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("err = %v", err)
	}
}

func TestGetCollectionRejectsPlatformGroups(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		owner := "customer"
		if strings.HasSuffix(r.URL.Path, "/platform") {
			owner = "platform"
		}
		writeTestJSON(w, http.StatusOK, map[string]any{"id": "x", "name": "n", "owner_type": owner, "editable": owner == "customer"})
	})
	if g, err := c.GetCollection(context.Background(), "mine"); err != nil || g.OwnerType != "customer" {
		t.Fatalf("own collection = %+v, %v", g, err)
	}
	if _, err := c.GetCollection(context.Background(), "platform"); !IsNotFound(err) {
		t.Fatalf("platform group err = %v, want not found", err)
	}
}

func TestUpdateCollectionSendsNullsToClear(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch || r.URL.Path != "/v1/groups/c-1" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		var body map[string]json.RawMessage
		_ = json.NewDecoder(r.Body).Decode(&body)
		if string(body["display_name"]) != "null" || string(body["description"]) != `"d"` || string(body["enabled"]) != "false" {
			t.Errorf("body = %v", body)
		}
		writeTestJSON(w, http.StatusOK, map[string]any{"id": "c-1", "name": "n", "display_name": nil, "description": "d", "enabled": false, "member_count": 2})
	})
	out, err := c.UpdateCollection(context.Background(), "c-1", ServiceCollectionUpdate{DisplayName: NullOf[string](), Description: NullableOf("d"), Enabled: NullableOf(false)})
	if err != nil || out.Enabled || out.MemberCount != 2 {
		t.Fatalf("update = %+v, %v", out, err)
	}
}

func TestDeleteCollection(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || r.URL.Path != "/v1/groups/c-1" {
			t.Errorf("request %s %s", r.Method, r.URL.Path)
		}
		w.WriteHeader(http.StatusNoContent)
	})
	if err := c.DeleteCollection(context.Background(), "c-1"); err != nil {
		t.Fatal(err)
	}
}

func TestListCollections(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("owner") != "own" || r.URL.Query().Get("name") != "llm" {
			t.Errorf("query = %s", r.URL.RawQuery)
		}
		writeTestJSON(w, http.StatusOK, map[string]any{"data": []any{map[string]any{"id": "c-1", "name": "my-llms", "owner_type": "customer", "editable": true, "group_type": "open"}}, "count": 1})
	})
	gs, err := c.ListCollections(context.Background(), "llm")
	if err != nil || len(gs) != 1 || gs[0].Name != "my-llms" {
		t.Fatalf("collections = %+v, %v", gs, err)
	}
}

func TestCollectionMembers(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "GET /v1/groups/c-1/members":
			writeTestJSON(w, http.StatusOK, []any{
				map[string]any{"id": "m-1", "service_id": "s-1", "routing_key": nil, "sort_order": 0},
				map[string]any{"id": "m-2", "service_id": "s-2", "routing_key": map[string]any{"model": "fast-gpt"}, "sort_order": 1},
			})
		case "POST /v1/groups/c-1/members":
			var body map[string]any
			_ = json.NewDecoder(r.Body).Decode(&body)
			rk, _ := body["routing_key"].(map[string]any)
			if body["service_id"] != "s-2" || rk["model"] != "fast-gpt" || body["sort_order"] != float64(1) {
				t.Errorf("body = %v", body)
			}
			writeTestJSON(w, http.StatusCreated, map[string]any{"id": "m-2", "service_id": "s-2", "routing_key": rk, "sort_order": 1})
		case "DELETE /v1/groups/c-1/members/s-2":
			w.WriteHeader(http.StatusNoContent)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		}
	})
	ctx := context.Background()
	ms, err := c.ListCollectionMembers(ctx, "c-1")
	if err != nil || len(ms) != 2 || ms[0].RoutingKey != nil || ms[1].RoutingKey["model"] != "fast-gpt" {
		t.Fatalf("members = %+v, %v", ms, err)
	}
	m, err := c.AddCollectionMember(ctx, "c-1", ServiceCollectionMemberCreate{ServiceID: "s-2", RoutingKey: map[string]any{"model": "fast-gpt"}, SortOrder: 1})
	if err != nil || m.ID != "m-2" {
		t.Fatalf("add = %+v, %v", m, err)
	}
	if err := c.RemoveCollectionMember(ctx, "c-1", "s-2"); err != nil {
		t.Fatal(err)
	}
}

func TestAddCollectionMemberErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   any
		want   string
	}{
		{422, map[string]any{"detail": []any{map[string]any{"loc": []any{"body", "service_id"}, "msg": "a collection holds up to 20 members", "type": "value_error"}}}, "body.service_id: a collection holds up to 20 members"},
		{409, map[string]any{"detail": "already a member"}, "already a member"},
		{403, map[string]any{"detail": "Platform groups are read-only"}, "Platform groups are read-only"},
	} {
		c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) { writeTestJSON(w, tc.status, tc.body) })
		_, err := c.AddCollectionMember(context.Background(), "c", ServiceCollectionMemberCreate{ServiceID: "s"})
		var apiErr *APIError
		if !asAPIError(err, &apiErr) || apiErr.StatusCode != tc.status || apiErr.Detail != tc.want {
			t.Errorf("status %d: err = %v", tc.status, err)
		}
	}
}

func TestServiceGroupMembership(t *testing.T) {
	c := newAreaTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/services/s-1/groups" {
			t.Errorf("path %s", r.URL.Path)
		}
		if r.Method == http.MethodPut {
			var body map[string]json.RawMessage
			_ = json.NewDecoder(r.Body).Decode(&body)
			if string(body["group_ids"]) != "[]" || string(body["include_default"]) != "true" {
				t.Errorf("body = %v", body)
			}
		}
		writeTestJSON(w, http.StatusOK, map[string]any{"service_id": "s-1", "eligible": true,
			"groups": []any{map[string]any{"id": nil, "name": "favorites", "member": false, "is_default": true}}})
	})
	ctx := context.Background()
	m, err := c.GetServiceGroupMembership(ctx, "s-1")
	if err != nil || !m.Eligible || len(m.Groups) != 1 || m.Groups[0].ID != nil || !m.Groups[0].IsDefault {
		t.Fatalf("membership = %+v, %v", m, err)
	}
	if _, err := c.SetServiceGroupMembership(ctx, "s-1", CustomerGroupMembershipUpdate{IncludeDefault: true}); err != nil {
		t.Fatal(err)
	}
}
