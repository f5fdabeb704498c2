package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// enrollWithSensitive enrolls keyA in the BYOK service, naming the
// parameters sent as sensitive in X-Unitysvc-Sensitive-Parameters (the
// raw header value), and returns the status and body.
func enrollWithSensitive(t *testing.T, ts *testServer, params map[string]any, header string) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"service_id": byokServiceID, "parameters": params})
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/v1/enrollments/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+keyA)
	if header != "" {
		req.Header.Set("X-Unitysvc-Sensitive-Parameters", header)
	}
	return roundTrip(t, ts.Client(), req)
}

// readsOf returns the raw bodies of every read of enrollment id: GET by
// id and the listing.
func readsOf(t *testing.T, ts *testServer, id string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range []string{"/enrollments/" + id, "/enrollments/?shared=false"} {
		status, body := ts.do(t, "GET", p, keyA, nil)
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d %s", p, status, body)
		}
		out["GET "+p] = body
	}
	return out
}

// Secret-looking names are masked at any depth, inside nested objects and
// arrays, and names containing credential or passphrase are secret-looking
// too; everything else is shown as sent.
func TestEnrollmentParametersMaskedAtAnyDepth(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	params := map[string]any{
		"endpoint": "https://llm.example.com/v1",
		"auth": map[string]any{
			"client_credentials": "cred-1111",
			"nested":             map[string]any{"Passphrase": "pass-2222", "mode": "tls"},
			"headers":            []any{map[string]any{"x_api_key": "key-3333", "name": "n"}, "plain"},
		},
		"db_password": "pw-4444",
		"list":        []any{"a", map[string]any{"secret_value": "sec-5555"}},
		"ssh":         map[string]any{"private_key": map[string]any{"pem": "pem-6666"}},
	}
	e := enrollBYOK(t, ts, keyA, params)
	for where, raw := range readsOf(t, ts, e.ID) {
		for _, secret := range []string{"cred-1111", "pass-2222", "key-3333", "pw-4444", "sec-5555", "pem-6666"} {
			if strings.Contains(string(raw), secret) {
				t.Errorf("%s shows %s in clear: %s", where, secret, raw)
			}
		}
	}
	got := getEnrollment(t, ts, e.ID).Parameters
	auth, _ := got["auth"].(map[string]any)
	nested, _ := auth["nested"].(map[string]any)
	headers, _ := auth["headers"].([]any)
	first, _ := headers[0].(map[string]any)
	list, _ := got["list"].([]any)
	item, _ := list[1].(map[string]any)
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"endpoint", got["endpoint"], "https://llm.example.com/v1"},
		{"auth.client_credentials", auth["client_credentials"], "***masked***"},
		{"auth.nested.Passphrase", nested["Passphrase"], "***masked***"},
		{"auth.nested.mode", nested["mode"], "tls"},
		{"auth.headers[0].x_api_key", first["x_api_key"], "***masked***"},
		{"auth.headers[0].name", first["name"], "n"},
		{"auth.headers[1]", headers[1], "plain"},
		{"db_password", got["db_password"], "***masked***"},
		{"list[0]", list[0], "a"},
		{"list[1].secret_value", item["secret_value"], "***masked***"},
		{"ssh", got["ssh"], map[string]any{"private_key": "***masked***"}},
	} {
		if b1, _ := json.Marshal(c.got); string(b1) != mustJSON(t, c.want) {
			t.Errorf("%s = %s, want %s", c.what, b1, mustJSON(t, c.want))
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A parameter sent as sensitive is never shown in clear, whatever its
// name (an endpoint carrying a signed query string), on every read and
// after a cancel and a reactivation that no longer names it; the value
// itself is kept for the gateway.
func TestEnrollmentSensitiveParametersNeverEchoed(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	const signed = "https://llm.example.com/v1?sig=signed-7777"
	params := map[string]any{"endpoint": signed, "region": "eu", "odd,name": "odd-8888"}
	status, body := enrollWithSensitive(t, ts, params, "endpoint, odd%2Cname,not_sent")
	if status != http.StatusAccepted {
		t.Fatalf("enroll = %d %s", status, body)
	}
	var e enrollmentBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatal(err)
	}
	activateNow(t, ts)
	check := func(stage string) {
		t.Helper()
		for where, raw := range readsOf(t, ts, e.ID) {
			for _, secret := range []string{"signed-7777", "odd-8888"} {
				if strings.Contains(string(raw), secret) {
					t.Errorf("%s: %s shows %s in clear: %s", stage, where, secret, raw)
				}
			}
		}
		got := getEnrollment(t, ts, e.ID).Parameters
		if got["endpoint"] != "***masked***" || got["odd,name"] != "***masked***" || got["region"] != "eu" || len(got) != 3 {
			t.Errorf("%s: parameters = %v, want endpoint and odd,name masked, region shown, not_sent absent", stage, got)
		}
	}
	check("after enrolling")
	// The value is kept as sent: the gateway needs it.
	p, err := ts.Store.Authenticate(t.Context(), keyA)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := ts.Store.GetEnrollment(t.Context(), p, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Parameters["endpoint"] != signed {
		t.Fatalf("stored endpoint = %v, want the value sent", stored.Parameters["endpoint"])
	}
	ts.doJSON(t, "DELETE", "/enrollments/"+e.ID, keyA, nil, http.StatusOK, nil)
	if status, body := enrollWithSensitive(t, ts, params, ""); status != http.StatusAccepted || !strings.Contains(string(body), e.ID) {
		t.Fatalf("enrolling again = %d %s, want the same enrollment reactivated", status, body)
	}
	activateNow(t, ts)
	check("after reactivation without the header")
}

// A name in the header that is not percent-encoded is refused with the
// spec's 422 shape, naming the header.
func TestEnrollmentSensitiveParametersHeaderMalformed(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	status, body := enrollWithSensitive(t, ts, map[string]any{"endpoint": "https://x"}, "bad%zz")
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"header"`) || !strings.Contains(string(body), "x-unitysvc-sensitive-parameters") {
		t.Fatalf("enroll = %d %s, want 422 naming the header", status, body)
	}
}
