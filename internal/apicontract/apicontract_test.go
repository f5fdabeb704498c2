package apicontract

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func checker(t *testing.T) *Checker {
	t.Helper()
	c, err := Load()
	if errors.Is(err, ErrNoSpec) {
		t.Skip("skipping: ../shared/openapi/customer-api.json is absent, so there is no contract to check against")
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckerCatchesViolations(t *testing.T) {
	c := checker(t)
	req := httptest.NewRequest(http.MethodGet, "/v1/secrets/MY_KEY", nil)
	good := `{"name":"MY_KEY","id":"x","owner_type":"customer","role_id":null,"owner_id":null,"sensitive":true,"value":null,"created_at":"2026-01-01T00:00:00Z","updated_at":null,"last_used_at":null}`
	if v := c.Check(req, nil, 200, http.Header{"Content-Type": {"application/json"}}, []byte(good)); len(v) != 0 {
		t.Fatalf("good response flagged: %v", v)
	}
	bad := `{"name":"MY_KEY","sensitive":"yes"}`
	if v := c.Check(req, nil, 200, http.Header{"Content-Type": {"application/json"}}, []byte(bad)); len(v) == 0 {
		t.Fatal("response missing required fields was not flagged")
	}
	// An upsert's 201 is checked against the documented 200 schema.
	put := httptest.NewRequest(http.MethodPut, "/v1/secrets/MY_KEY", strings.NewReader(`{"value":"x"}`))
	put.Header.Set("Content-Type", "application/json")
	if v := c.Check(put, []byte(`{"value":"x"}`), 201, http.Header{"Content-Type": {"application/json"}}, []byte(good)); len(v) != 0 {
		t.Fatalf("201 upsert flagged: %v", v)
	}
	if v := c.Check(put, []byte(`{"value":"x"}`), 201, http.Header{"Content-Type": {"application/json"}}, []byte(bad)); len(v) == 0 {
		t.Fatal("bad 201 body not flagged")
	}
	// Error bodies must carry a string detail.
	if v := c.Check(req, nil, 404, http.Header{"Content-Type": {"application/json"}}, []byte(`{"error":"x"}`)); len(v) == 0 {
		t.Fatal("non-FastAPI 404 body not flagged")
	}
	// A request body that breaks the schema is flagged when the server accepted it.
	if v := c.Check(put, []byte(`{"description":"no value"}`), 200, http.Header{"Content-Type": {"application/json"}}, []byte(good)); len(v) == 0 {
		t.Fatal("request without the required value was not flagged")
	}
}
