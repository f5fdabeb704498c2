package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// isoProbe is one request customer B makes with customer A's objects.
type isoProbe struct {
	route        string // the route as registered: "GET /secrets/{name}"
	method, path string
	body         any
	want         int
	// own marks a create of B's own object with A's name: its answer
	// names it, but must carry none of A's ids.
	own bool
}

// Every personal and shared object of customer A is invisible to
// customer B on every route: B's reads answer 404 or lists without them,
// B's changes to them answer 404 and change nothing, and B's creates with
// A's names make B's own objects (no 409, no demotion). The test fails
// when a route exists that it does not probe.
func TestCustomersAreIsolatedOnEveryRoute(t *testing.T) {
	ts := newTestServer(t)
	// Customer A: a personal and a shared object of every kind.
	for _, q := range []string{"", "?shared=true"} {
		ts.doJSON(t, "PUT", "/secrets/ISO_A"+strings.ToUpper(strings.TrimPrefix(strings.ReplaceAll(q, "=true", ""), "?")), keyA, map[string]any{"value": "a-value", "sensitive": false}, http.StatusCreated, nil)
	}
	ts.doJSON(t, "PUT", "/secrets/ISO_A_SHARED?shared=true", keyA, map[string]any{"value": "a-shared", "sensitive": false}, http.StatusCreated, nil)
	ePersonal := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": "https://a.example/v1", "api_key": "a-key"})
	var eShared enrollmentBody
	ts.doJSON(t, "POST", "/enrollments/?shared=true", keyA, map[string]any{"service_id": byokServiceID, "parameters": map[string]any{"endpoint": "https://a.example/v1", "api_key": "a-key"}}, http.StatusAccepted, &eShared)
	activateNow(t, ts)
	colP := createCollection(t, ts, keyA, "", map[string]any{"name": "iso-a-personal"})
	colS := createCollection(t, ts, keyA, "?shared=true", map[string]any{"name": "iso-a-shared"})
	addMember(t, ts, keyA, colP.ID, map[string]any{"service_id": gpt4oMiniID}, http.StatusCreated)
	addMember(t, ts, keyA, colS.ID, map[string]any{"service_id": byokServiceID}, http.StatusCreated)
	step := map[string]any{"name": "s", "target_path": "g/llm", "sort_order": 0}
	chP := createChain(t, ts, keyA, "", map[string]any{"name": "iso-a-chain", "steps": []any{step}})
	chS := createChain(t, ts, keyA, "?shared=true", map[string]any{"name": "iso-a-chain-shared", "steps": []any{step}})
	target := map[string]any{"name": "t", "target_path": "g/llm", "sort_order": 0}
	bcP := createBroadcast(t, ts, keyA, "", map[string]any{"name": "iso-a-fanout", "targets": []any{target}})
	bcS := createBroadcast(t, ts, keyA, "?shared=true", map[string]any{"name": "iso-a-fanout-shared", "targets": []any{target}})
	alP := createAlias(t, ts, keyA, "", map[string]any{"name": "iso-a-alias", "target_path": "g/llm"})
	alS := createAlias(t, ts, keyA, "?shared=true", map[string]any{"name": "iso-a-alias-shared", "target_path": "g/llm"})
	rr := createRecurrent(t, ts, keyA, map[string]any{"name": "iso-a-job", "request_path": "/g/llm/v1/chat/completions"})
	ts.doJSON(t, "PATCH", "/recurrent-requests/"+rr.ID, keyA, interval(300), http.StatusOK, nil)
	ts.upload(t, keyA, map[string]any{"filename": "iso-a-file.txt", "size": 1}, []byte("a"))
	ts.upload(t, keyA, map[string]any{"filename": "iso-a-file-shared.txt", "size": 1, "scope": "shared"}, []byte("s"))

	ePersonal = getEnrollment(t, ts, ePersonal.ID) // now active, with its code
	// A request of A's, logged, through A's collection.
	ts.doJSON(t, "POST", "/request-logs/start", keyA, nil, http.StatusOK, nil)
	if status, out := ts.dispatch(t, "/g/iso-a-personal/v1/chat/completions", keyA, chat("gpt-4o-mini", "from A")); status != http.StatusOK {
		t.Fatalf("A's dispatch: %d %s", status, out)
	}
	aLogs := ts.logs(t, keyA, "")
	if aLogs.TotalCount != 1 {
		t.Fatalf("A's logs: %+v", aLogs)
	}
	aLog := aLogs.Items[0].LogID

	secretIDs := func() []string {
		var ids []string
		var list struct {
			Data []struct{ ID, Name string } `json:"data"`
		}
		ts.doJSON(t, "GET", "/secrets/", keyA, nil, http.StatusOK, &list)
		for _, s := range list.Data {
			ids = append(ids, s.ID)
		}
		return ids
	}
	aIDs := append(secretIDs(), ePersonal.ID, eShared.ID, colP.ID, colS.ID, chP.ID, chS.ID, chP.Steps[0].ID, chS.Steps[0].ID,
		bcP.ID, bcS.ID, bcP.Targets[0].ID, bcS.Targets[0].ID, alP.ID, alS.ID, rr.ID, aLog)
	aNames := []string{"ISO_A", "ISO_ASHARED", "ISO_A_SHARED", "iso-a-personal", "iso-a-shared", "iso-a-chain", "iso-a-fanout", "iso-a-alias", "iso-a-job", "a.example", "iso-a-file"}

	body := map[string]any{"description": "changed by B"}
	probes := []isoProbe{
		{route: "GET /secrets/", method: "GET", path: "/secrets/", want: 200},
		{route: "GET /secrets/{name}", method: "GET", path: "/secrets/ISO_A", want: 404},
		{route: "GET /secrets/{name}", method: "GET", path: "/secrets/ISO_A_SHARED", want: 404},
		{route: "DELETE /secrets/{name}", method: "DELETE", path: "/secrets/ISO_A", want: 404},
		{route: "DELETE /secrets/{name}", method: "DELETE", path: "/secrets/ISO_A_SHARED?shared=true", want: 404},
		// B's PUT of A's name creates B's own secret: 201, not an update.
		{route: "PUT /secrets/{name}", method: "PUT", path: "/secrets/ISO_A_SHARED?shared=true", body: map[string]any{"value": "b-value", "sensitive": false}, want: 201, own: true},

		{route: "GET /enrollments/", method: "GET", path: "/enrollments/", want: 200},
		{route: "GET /enrollments/", method: "GET", path: "/enrollments/?shared=false", want: 200},
		{route: "GET /enrollments/{enrollment_id}", method: "GET", path: "/enrollments/" + ePersonal.ID, want: 404},
		{route: "GET /enrollments/{enrollment_id}", method: "GET", path: "/enrollments/" + eShared.ID, want: 404},
		{route: "DELETE /enrollments/{enrollment_id}", method: "DELETE", path: "/enrollments/" + eShared.ID, want: 404},
		// The same service and parameters: B's own enrollment, no 409.
		{route: "POST /enrollments/", method: "POST", path: "/enrollments/?shared=true", body: map[string]any{"service_id": byokServiceID, "parameters": map[string]any{"endpoint": "https://b.example/v1", "api_key": "a-key"}}, want: 202, own: true},

		{route: "GET /groups", method: "GET", path: "/groups", want: 200},
		{route: "GET /groups", method: "GET", path: "/groups?owner=own", want: 200},
		{route: "GET /groups/{name}", method: "GET", path: "/groups/" + colP.ID, want: 404},
		{route: "GET /groups/{name}", method: "GET", path: "/groups/iso-a-shared", want: 404},
		{route: "GET /groups/{name}/services", method: "GET", path: "/groups/" + colS.ID + "/services", want: 404},
		{route: "GET /groups/{name}/services", method: "GET", path: "/groups/iso-a-personal/services", want: 404},
		{route: "PATCH /groups/{group_id}", method: "PATCH", path: "/groups/" + colP.ID, body: body, want: 404},
		{route: "DELETE /groups/{group_id}", method: "DELETE", path: "/groups/" + colS.ID, want: 404},
		{route: "GET /groups/{group_id}/members", method: "GET", path: "/groups/" + colP.ID + "/members", want: 404},
		{route: "POST /groups/{group_id}/members", method: "POST", path: "/groups/" + colP.ID + "/members", body: map[string]any{"service_id": byokServiceID}, want: 404},
		{route: "DELETE /groups/{group_id}/members/{service_id}", method: "DELETE", path: "/groups/" + colP.ID + "/members/" + gpt4oMiniID, want: 404},
		{route: "GET /services/{service_id}/groups", method: "GET", path: "/services/" + gpt4oMiniID + "/groups", want: 200},
		{route: "PUT /services/{service_id}/groups", method: "PUT", path: "/services/" + gpt4oMiniID + "/groups", body: map[string]any{"group_ids": []string{colS.ID}}, want: 404},
		{route: "GET /services/{service_id}/interfaces", method: "GET", path: "/services/" + byokServiceID + "/interfaces", want: 200},
		{route: "POST /groups", method: "POST", path: "/groups?shared=true", body: map[string]any{"name": "iso-a-shared"}, want: 201, own: true},

		{route: "GET /chains/", method: "GET", path: "/chains/", want: 200},
		{route: "GET /chains/{chain_id}", method: "GET", path: "/chains/" + chS.ID, want: 404},
		{route: "PATCH /chains/{chain_id}", method: "PATCH", path: "/chains/" + chP.ID, body: body, want: 404},
		{route: "DELETE /chains/{chain_id}", method: "DELETE", path: "/chains/" + chS.ID, want: 404},
		{route: "PUT /chains/{chain_id}/steps", method: "PUT", path: "/chains/" + chP.ID + "/steps", body: []any{step}, want: 404},
		{route: "POST /chains/{chain_id}/steps", method: "POST", path: "/chains/" + chS.ID + "/steps", body: step, want: 404},
		{route: "PATCH /chains/{chain_id}/steps/{step_id}", method: "PATCH", path: "/chains/" + chP.ID + "/steps/" + chP.Steps[0].ID, body: map[string]any{"name": "b"}, want: 404},
		{route: "DELETE /chains/{chain_id}/steps/{step_id}", method: "DELETE", path: "/chains/" + chS.ID + "/steps/" + chS.Steps[0].ID, want: 404},
		{route: "POST /chains/", method: "POST", path: "/chains/", body: map[string]any{"name": "iso-a-chain", "steps": []any{step}}, want: 201, own: true},

		{route: "GET /broadcasts/", method: "GET", path: "/broadcasts/", want: 200},
		{route: "GET /broadcasts/{broadcast_id}", method: "GET", path: "/broadcasts/" + bcP.ID, want: 404},
		{route: "PATCH /broadcasts/{broadcast_id}", method: "PATCH", path: "/broadcasts/" + bcS.ID, body: body, want: 404},
		{route: "DELETE /broadcasts/{broadcast_id}", method: "DELETE", path: "/broadcasts/" + bcP.ID, want: 404},
		{route: "PUT /broadcasts/{broadcast_id}/targets", method: "PUT", path: "/broadcasts/" + bcS.ID + "/targets", body: []any{target}, want: 404},
		{route: "POST /broadcasts/{broadcast_id}/targets", method: "POST", path: "/broadcasts/" + bcP.ID + "/targets", body: target, want: 404},
		{route: "DELETE /broadcasts/{broadcast_id}/targets/{target_id}", method: "DELETE", path: "/broadcasts/" + bcS.ID + "/targets/" + bcS.Targets[0].ID, want: 404},
		{route: "POST /broadcasts/", method: "POST", path: "/broadcasts/?shared=true", body: map[string]any{"name": "iso-a-fanout-shared", "targets": []any{target}}, want: 201, own: true},

		{route: "GET /aliases/", method: "GET", path: "/aliases/?include_deactivated=true", want: 200},
		{route: "GET /aliases/{alias_id}", method: "GET", path: "/aliases/" + alS.ID, want: 404},
		{route: "PATCH /aliases/{alias_id}", method: "PATCH", path: "/aliases/" + alP.ID, body: body, want: 404},
		{route: "DELETE /aliases/{alias_id}", method: "DELETE", path: "/aliases/" + alS.ID, want: 404},
		{route: "POST /aliases/{identifier}/switch", method: "POST", path: "/aliases/" + alP.ID + "/switch?on=false", want: 404},
		{route: "POST /aliases/{identifier}/switch", method: "POST", path: "/aliases/iso-a-alias-shared/switch?on=false", want: 404},
		{route: "POST /aliases/", method: "POST", path: "/aliases/", body: map[string]any{"name": "iso-a-alias", "target_path": "g/llm"}, want: 201, own: true},

		{route: "GET /recurrent-requests/", method: "GET", path: "/recurrent-requests/", want: 200},
		{route: "GET /recurrent-requests/{request_id}", method: "GET", path: "/recurrent-requests/" + rr.ID, want: 404},
		{route: "PATCH /recurrent-requests/{request_id}", method: "PATCH", path: "/recurrent-requests/" + rr.ID, body: map[string]any{"status": "paused"}, want: 404},
		{route: "DELETE /recurrent-requests/{request_id}", method: "DELETE", path: "/recurrent-requests/" + rr.ID, want: 404},
		{route: "POST /recurrent-requests/{request_id}/trigger", method: "POST", path: "/recurrent-requests/" + rr.ID + "/trigger", want: 404},
		{route: "POST /recurrent-requests/", method: "POST", path: "/recurrent-requests/", body: map[string]any{"name": "iso-a-job", "request_path": "/g/llm"}, want: 201, own: true},

		// Resolving A's collections and aliases finds nothing of A's.
		{route: "POST /resolve", method: "POST", path: "/resolve", body: map[string]any{"path": "g/iso-a-personal"}, want: 200},
		{route: "POST /resolve", method: "POST", path: "/resolve", body: map[string]any{"path": "g/iso-a-shared", "routing_key": map[string]any{"model": "my-model"}}, want: 200},
		{route: "POST /resolve", method: "POST", path: "/resolve", body: map[string]any{"path": "a/iso-a-alias"}, want: 200},
		{route: "POST /resolve", method: "POST", path: "/resolve", body: map[string]any{"path": "e/" + *ePersonal.Code}, want: 200},

		// A's files are in A's folders: B lists its own, finds none of A's
		// keys, and an upload of A's name lands in B's folder.
		{route: "GET /files/list", method: "GET", path: "/files/list", want: 200},
		{route: "GET /files/download", method: "GET", path: "/files/download?key=iso-a-file.txt", want: 404},
		{route: "POST /files/upload", method: "POST", path: "/files/upload", body: map[string]any{"filename": "iso-a-file.txt", "size": 1}, want: 200, own: true},

		{route: "GET /request-logs", method: "GET", path: "/request-logs", want: 200},
		{route: "GET /request-logs", method: "GET", path: "/request-logs?user_request_path=/g/iso-a-personal", want: 200},
		{route: "GET /request-logs/{log_id}", method: "GET", path: "/request-logs/" + aLog, want: 404},
		{route: "POST /request-logs/start", method: "POST", path: "/request-logs/start?truncate_long_message=false", want: 200},
		{route: "POST /request-logs/stop", method: "POST", path: "/request-logs/stop", want: 200},
	}
	// Routes that serve the public catalog only: no customer's objects.
	catalogOnly := []string{"GET /services/{service_id}", "GET /services/{service_id}/usage",
		"GET /services/{service_id}/documents", "GET /services/{service_id}/documents/{document_id}"}

	// unknown swaps A's ids and names in s for ones nobody has, and back
	// for placeholders, so answers about A's objects can be compared with
	// answers about objects that do not exist.
	slices.SortFunc(aNames, func(a, b string) int { return len(b) - len(a) })
	nobody := func(s string) string {
		for i, id := range aIDs {
			s = strings.ReplaceAll(s, id, fmt.Sprintf("00000000-0000-4000-8000-%012x", i+1))
		}
		for _, n := range aNames {
			s = strings.ReplaceAll(s, n, strings.ToUpper(n[:1])+"NOBODY"+n[1:])
		}
		return s
	}
	for _, p := range probes {
		status, data := ts.do(t, p.method, p.path, keyB, p.body)
		if status != p.want {
			t.Errorf("B %s %s: %d %s, want %d", p.method, p.path, status, data, p.want)
			continue
		}
		text := string(data)
		if status >= 300 {
			// An answer about A's object is the answer about no object.
			var body2 any
			if p.body != nil {
				raw, _ := json.Marshal(p.body)
				body2 = nobody(string(raw))
			}
			status2, data2 := ts.do(t, p.method, nobody(p.path), keyB, body2)
			if status2 != status || nobody(text) != string(data2) {
				t.Errorf("B %s %s answers %d %s, but about an object that does not exist %d %s: the difference shows A's object exists", p.method, p.path, status, text, status2, data2)
			}
			continue
		}
		for _, id := range aIDs {
			if strings.Contains(text, id) {
				t.Errorf("B %s %s: the answer shows A's object %s: %s", p.method, p.path, id, text)
			}
		}
		if p.own {
			if strings.Contains(text, `"is_routing":false`) {
				t.Errorf("B %s %s: B's alias was created non-routing because of A's: %s", p.method, p.path, text)
			}
			continue
		}
		for _, name := range aNames {
			if strings.Contains(text, name) {
				t.Errorf("B %s %s: the answer shows A's %q: %s", p.method, p.path, name, text)
			}
		}
	}

	// Nothing of A's changed.
	for _, path := range []string{"/secrets/ISO_A", "/enrollments/" + ePersonal.ID, "/enrollments/" + eShared.ID, "/groups/" + colP.ID, "/groups/" + colS.ID,
		"/chains/" + chP.ID, "/chains/" + chS.ID, "/broadcasts/" + bcP.ID, "/broadcasts/" + bcS.ID, "/aliases/" + alP.ID, "/aliases/" + alS.ID, "/recurrent-requests/" + rr.ID} {
		status, data := ts.do(t, "GET", path, keyA, nil)
		text := string(data)
		if status != http.StatusOK || strings.Contains(text, "changed by B") || strings.Contains(text, `"deactivated_at":"`) || strings.Contains(text, `"status":"cancelled"`) ||
			strings.Contains(text, `"status":"paused"`) || strings.Contains(text, `"is_routing":false`) {
			t.Errorf("A's %s after B's attempts: %d %s", path, status, text)
		}
	}
	var shared struct{ Value string }
	ts.doJSON(t, "GET", "/secrets/ISO_A_SHARED", keyA, nil, http.StatusOK, &shared)
	if shared.Value != "a-shared" {
		t.Errorf("A's shared secret holds %q after B's PUT of its name", shared.Value)
	}
	// B's logging switch left A's alone: A's next request is logged.
	ts.dispatch(t, "/g/iso-a-personal/v1/chat/completions", keyA, chat("gpt-4o-mini", "from A again"))
	if l := ts.logs(t, keyA, ""); l.TotalCount != 2 {
		t.Errorf("A's logs after B stopped logging: %d, want 2", l.TotalCount)
	}
	var members []memberBody
	ts.doJSON(t, "GET", "/groups/"+colP.ID+"/members", keyA, nil, http.StatusOK, &members)
	if len(members) != 1 {
		t.Errorf("A's collection has %d members after B's attempts, want 1", len(members))
	}

	// Every route is probed (or serves the catalog only).
	probed := map[string]bool{}
	for _, p := range probes {
		probed[p.route] = true
	}
	for _, r := range ts.API.Routes() {
		if !probed[r] && !slices.Contains(catalogOnly, r) {
			t.Errorf("route %s is not probed for isolation between customers: add a probe", r)
		}
	}
	for r := range probed {
		if !slices.Contains(ts.API.Routes(), r) {
			t.Errorf("probe for %s, which is no route", r)
		}
	}
}
