package api_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// byokServiceID is the catalog's BYOK service my-provider-llm
// (enrollment_mode required; parameter endpoint required).
const byokServiceID = "d175bccd-8530-54b0-bd66-a4f8e6510e25"

// gpt4oMiniID is a catalog service that needs no enrollment.
const gpt4oMiniID = "f9be74cf-42e7-54f2-a600-d7420174d368"

var crockfordCodeRE = regexp.MustCompile(`^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}$`)

type enrollmentBody struct {
	ID            string         `json:"id"`
	ServiceID     string         `json:"service_id"`
	OwnerID       *string        `json:"owner_id"`
	Status        string         `json:"status"`
	Parameters    map[string]any `json:"parameters"`
	Service       map[string]any `json:"service"`
	ProxyEndpoint *string        `json:"proxy_endpoint"`
	Code          *string        `json:"code"`
	TaskID        string         `json:"task_id"`
	Message       string         `json:"message"`
}

type enrollmentList struct {
	Data  []enrollmentBody `json:"data"`
	Count int              `json:"count"`
	Skip  int              `json:"skip"`
	Limit int              `json:"limit"`
}

type interfaceBody struct {
	Name         string  `json:"name"`
	BaseURL      *string `json:"base_url"`
	EnrollmentID *string `json:"enrollment_id"`
}

// enrollBYOK enrolls key in the BYOK service with params and returns the
// 202 body.
func enrollBYOK(t *testing.T, ts *testServer, key string, params map[string]any) enrollmentBody {
	t.Helper()
	var e enrollmentBody
	ts.doJSON(t, "POST", "/enrollments/", key, map[string]any{"service_id": byokServiceID, "parameters": params}, http.StatusAccepted, &e)
	return e
}

// activateNow ends every pending enrollment's delay, so tests need not
// sleep (one test exercises the real delay).
func activateNow(t *testing.T, ts *testServer) {
	t.Helper()
	if _, err := ts.Store.DB().Exec(`UPDATE enrollments SET pending_until = '2000-01-01T00:00:00.000000Z' WHERE status = 'pending'`); err != nil {
		t.Fatal(err)
	}
}

// getEnrollment reads enrollment id as keyA.
func getEnrollment(t *testing.T, ts *testServer, id string) enrollmentBody {
	t.Helper()
	var e enrollmentBody
	ts.doJSON(t, "GET", "/enrollments/"+id, keyA, nil, http.StatusOK, &e)
	return e
}

func TestEnrollmentsActivateAfterDelay(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	e := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": "https://llm.example.com/v1", "api_key": "sk-live-123"})
	if e.Status != "pending" || e.ID == "" || e.TaskID == "" || e.Message == "" || e.ServiceID != byokServiceID {
		t.Fatalf("enroll response = %+v; want pending with id, task_id, message", e)
	}
	if got := getEnrollment(t, ts, e.ID); got.Status != "pending" {
		t.Fatalf("status right after enrolling = %s, want pending", got.Status)
	}
	deadline := time.Now().Add(5 * time.Second)
	for getEnrollment(t, ts, e.ID).Status != "active" {
		if time.Now().After(deadline) {
			t.Fatal("enrollment did not become active within 5s (default delay is 1s)")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestEnrollmentsReadShape(t *testing.T) {
	ts := newTestServer(t)
	e := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": "https://llm.example.com/v1", "api_key": "sk-live-123", "region": "eu"})
	got := getEnrollment(t, ts, e.ID)
	if got.Code == nil || !crockfordCodeRE.MatchString(*got.Code) {
		t.Fatalf("code = %v, want 4 Crockford base32 characters", got.Code)
	}
	if got.ProxyEndpoint == nil || *got.ProxyEndpoint != gateway+"/e/"+*got.Code {
		t.Fatalf("proxy_endpoint = %v, want %s/e/%s", got.ProxyEndpoint, gateway, *got.Code)
	}
	if got.Service == nil || got.Service["name"] != "my-provider-llm" {
		t.Fatalf("service details = %v", got.Service)
	}
	if got.Parameters["endpoint"] != "https://llm.example.com/v1" || got.Parameters["region"] != "eu" || got.Parameters["api_key"] != "***masked***" {
		t.Fatalf("parameters = %v; want endpoint and region plain, api_key masked", got.Parameters)
	}
	ts.doJSON(t, "GET", "/enrollments/"+e.ID+"?include_service_details=false", keyA, nil, http.StatusOK, &got)
	if got.Service != nil || got.ProxyEndpoint != nil || got.Code == nil {
		t.Fatalf("without service details: service=%v proxy_endpoint=%v code=%v; want no details, code kept", got.Service, got.ProxyEndpoint, got.Code)
	}
}

func TestEnrollmentsMaskSecretLookingKeys(t *testing.T) {
	ts := newTestServer(t)
	params := map[string]any{"endpoint": "https://x", "api_key": "a", "PASSWORD": "b", "access_token": "c", "client_secret": "d", "SecretKey": "e", "region": "eu"}
	e := enrollBYOK(t, ts, keyA, params)
	got := getEnrollment(t, ts, e.ID)
	for k, v := range params {
		masked := k != "endpoint" && k != "region"
		if masked && got.Parameters[k] != "***masked***" {
			t.Errorf("parameter %s = %v, want masked", k, got.Parameters[k])
		}
		if !masked && got.Parameters[k] != v {
			t.Errorf("parameter %s = %v, want %v", k, got.Parameters[k], v)
		}
	}
	var list enrollmentList
	ts.doJSON(t, "GET", "/enrollments/?shared=false", keyA, nil, http.StatusOK, &list)
	if len(list.Data) != 1 || list.Data[0].Parameters["api_key"] != "***masked***" {
		t.Fatalf("list parameters = %+v, want api_key masked", list.Data)
	}
	var raw []byte
	if err := ts.Store.DB().QueryRow(`SELECT parameters_sealed FROM enrollments`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "https://x") {
		t.Fatal("enrollment parameters stored in plain text")
	}
}

func TestEnrollmentsIncompleteWhenRequiredParameterMissing(t *testing.T) {
	ts := newTestServer(t)
	e := enrollBYOK(t, ts, keyA, map[string]any{"region": "eu", "api_key": "k"})
	if e.Status != "pending" {
		t.Fatalf("status = %s, want pending first", e.Status)
	}
	activateNow(t, ts)
	if got := getEnrollment(t, ts, e.ID); got.Status != "incomplete" {
		t.Fatalf("status = %s, want incomplete (endpoint is required)", got.Status)
	}
	e2 := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": "", "api_key": "k"})
	activateNow(t, ts)
	if got := getEnrollment(t, ts, e2.ID); got.Status != "incomplete" {
		t.Fatalf("status with empty endpoint = %s, want incomplete", got.Status)
	}
}

func TestEnrollmentsDisallowedServiceRejected(t *testing.T) {
	ts := newTestServer(t)
	status, data := ts.do(t, "POST", "/enrollments/", keyA, map[string]any{"service_id": gpt4oMiniID})
	if status != http.StatusUnprocessableEntity || !strings.Contains(detail(t, data), "does not accept enrollments") {
		t.Fatalf("enroll in a disallowed service: %d %s", status, data)
	}
}

func TestEnrollmentsValidation(t *testing.T) {
	ts := newTestServer(t)
	for _, tc := range []struct {
		name   string
		method string
		path   string
		key    string
		body   any
		status int
	}{
		{"missing service_id", "POST", "/enrollments/", keyA, map[string]any{}, 422},
		{"malformed service_id", "POST", "/enrollments/", keyA, map[string]any{"service_id": "nope"}, 422},
		{"parameters not an object", "POST", "/enrollments/", keyA, map[string]any{"service_id": byokServiceID, "parameters": []string{"x"}}, 422},
		{"bad status", "POST", "/enrollments/", keyA, map[string]any{"service_id": byokServiceID, "status": "weird"}, 422},
		{"unknown service", "POST", "/enrollments/", keyA, map[string]any{"service_id": "00000000-0000-0000-0000-000000000001"}, 404},
		{"anonymous enroll", "POST", "/enrollments/", noAuth, map[string]any{"service_id": byokServiceID}, 401},
		{"anonymous list", "GET", "/enrollments/", noAuth, nil, 401},
		{"malformed id", "GET", "/enrollments/nope", keyA, nil, 422},
		{"unknown id", "GET", "/enrollments/00000000-0000-0000-0000-000000000001", keyA, nil, 404},
		{"unknown id cancel", "DELETE", "/enrollments/00000000-0000-0000-0000-000000000001", keyA, nil, 404},
		{"negative skip", "GET", "/enrollments/?skip=-1", keyA, nil, 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, data := ts.do(t, tc.method, tc.path, tc.key, tc.body)
			if status != tc.status {
				t.Fatalf("%s %s: %d %s, want %d", tc.method, tc.path, status, data, tc.status)
			}
		})
	}
}

func TestEnrollmentsCancelKeepsRowAndReenrollReactivates(t *testing.T) {
	ts := newTestServer(t)
	params := map[string]any{"endpoint": "https://llm.example.com/v1", "api_key": "sk"}
	e := enrollBYOK(t, ts, keyA, params)
	activateNow(t, ts)
	first := getEnrollment(t, ts, e.ID)
	var cancel struct {
		EnrollmentID string `json:"enrollment_id"`
		Status       string `json:"status"`
		Message      string `json:"message"`
	}
	ts.doJSON(t, "DELETE", "/enrollments/"+e.ID, keyA, nil, http.StatusOK, &cancel)
	if cancel.EnrollmentID != e.ID || cancel.Status != "cancelled" {
		t.Fatalf("cancel = %+v", cancel)
	}
	if got := getEnrollment(t, ts, e.ID); got.Status != "cancelled" {
		t.Fatalf("after cancel status = %s, want cancelled (row kept)", got.Status)
	}
	// Cancelling again is harmless.
	ts.doJSON(t, "DELETE", "/enrollments/"+e.ID, keyA, nil, http.StatusOK, nil)
	again := enrollBYOK(t, ts, keyA, params)
	if again.ID != e.ID || again.Status != "pending" {
		t.Fatalf("re-enroll = %+v, want the same enrollment %s pending again", again, e.ID)
	}
	activateNow(t, ts)
	got := getEnrollment(t, ts, e.ID)
	if got.Status != "active" || *got.Code != *first.Code {
		t.Fatalf("reactivated = %s code %v, want active with code %s", got.Status, *got.Code, *first.Code)
	}
	// Different parameters make a new enrollment.
	other := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": "https://other.example.com/v1"})
	if other.ID == e.ID {
		t.Fatal("different parameters reused the enrollment")
	}
}

func TestEnrollmentsLiveDuplicateConflicts(t *testing.T) {
	ts := newTestServer(t)
	params := map[string]any{"endpoint": "https://llm.example.com/v1"}
	e := enrollBYOK(t, ts, keyA, params)
	status, data := ts.do(t, "POST", "/enrollments/", keyA, map[string]any{"service_id": byokServiceID, "parameters": params})
	if status != http.StatusConflict || !strings.Contains(detail(t, data), e.ID) {
		t.Fatalf("duplicate enroll: %d %s, want 409 naming %s", status, data, e.ID)
	}
	// The same parameters in the shared scope are another enrollment.
	var shared enrollmentBody
	ts.doJSON(t, "POST", "/enrollments/?shared=true", keyA, map[string]any{"service_id": byokServiceID, "parameters": params}, http.StatusAccepted, &shared)
	if shared.ID == e.ID || shared.OwnerID != nil {
		t.Fatalf("shared enrollment = %+v", shared)
	}
}

func TestEnrollmentsUniqueCodes(t *testing.T) {
	ts := newTestServer(t)
	seen := map[string]bool{}
	for i := range 40 {
		e := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": fmt.Sprintf("https://e%d.example.com", i)})
		code := *getEnrollment(t, ts, e.ID).Code
		if !crockfordCodeRE.MatchString(code) || seen[code] {
			t.Fatalf("code %q invalid or repeated", code)
		}
		seen[code] = true
	}
}

func TestEnrollmentsListScopesAndPages(t *testing.T) {
	ts := newTestServer(t)
	for i := range 3 {
		enrollBYOK(t, ts, keyA, map[string]any{"endpoint": fmt.Sprintf("https://p%d", i)})
	}
	var shared enrollmentBody
	ts.doJSON(t, "POST", "/enrollments/?shared=true", keyA, map[string]any{"service_id": byokServiceID, "parameters": map[string]any{"endpoint": "https://team"}}, http.StatusAccepted, &shared)

	var list enrollmentList
	ts.doJSON(t, "GET", "/enrollments/?shared=false", keyA, nil, http.StatusOK, &list)
	if list.Count != 3 || len(list.Data) != 3 || list.Limit != 100 || list.Skip != 0 {
		t.Fatalf("personal list = count %d len %d skip %d limit %d", list.Count, len(list.Data), list.Skip, list.Limit)
	}
	ts.doJSON(t, "GET", "/enrollments/?shared=false&skip=1&limit=1", keyA, nil, http.StatusOK, &list)
	if list.Count != 3 || len(list.Data) != 1 || list.Skip != 1 || list.Limit != 1 {
		t.Fatalf("paged list = count %d len %d", list.Count, len(list.Data))
	}
	ts.doJSON(t, "GET", "/enrollments/", keyA, nil, http.StatusOK, &list)
	if list.Count != 1 || list.Data[0].ID != shared.ID {
		t.Fatalf("default list (shared team enrollments) = %+v", list)
	}
	ts.doJSON(t, "GET", "/enrollments/?shared=false&include_service_details=false", keyA, nil, http.StatusOK, &list)
	if list.Data[0].Service != nil || list.Data[0].ProxyEndpoint != nil {
		t.Fatal("service details returned with include_service_details=false")
	}
	// A teammate sees the shared enrollment, not A's personal ones.
	ts.doJSON(t, "GET", "/enrollments/?shared=false", keyA2, nil, http.StatusOK, &list)
	if list.Count != 0 {
		t.Fatalf("teammate sees %d personal enrollments of A", list.Count)
	}
	ts.doJSON(t, "GET", "/enrollments/", keyA2, nil, http.StatusOK, &list)
	if list.Count != 1 {
		t.Fatalf("teammate sees %d shared enrollments, want 1", list.Count)
	}
	// Another customer sees nothing and cannot read or cancel by id.
	ts.doJSON(t, "GET", "/enrollments/", keyB, nil, http.StatusOK, &list)
	if list.Count != 0 {
		t.Fatalf("other customer sees %d", list.Count)
	}
	for _, m := range []string{"GET", "DELETE"} {
		if status, _ := ts.do(t, m, "/enrollments/"+shared.ID, keyB, nil); status != http.StatusNotFound {
			t.Fatalf("%s another customer's enrollment: %d, want 404", m, status)
		}
	}
}

func TestEnrollmentsInterfacesListActiveEnrollment(t *testing.T) {
	ts := newTestServer(t)
	var ifaces []interfaceBody
	ts.doJSON(t, "GET", "/services/"+byokServiceID+"/interfaces", keyA, nil, http.StatusOK, &ifaces)
	if len(ifaces) != 0 {
		t.Fatalf("interfaces before enrolling = %+v, want none", ifaces)
	}
	e := enrollBYOK(t, ts, keyA, map[string]any{"endpoint": "https://x"})
	ts.doJSON(t, "GET", "/services/"+byokServiceID+"/interfaces", keyA, nil, http.StatusOK, &ifaces)
	if len(ifaces) != 0 {
		t.Fatalf("interfaces while pending = %+v, want none", ifaces)
	}
	activateNow(t, ts)
	code := *getEnrollment(t, ts, e.ID).Code
	ts.doJSON(t, "GET", "/services/"+byokServiceID+"/interfaces", keyA, nil, http.StatusOK, &ifaces)
	if len(ifaces) != 1 || ifaces[0].EnrollmentID == nil || *ifaces[0].EnrollmentID != e.ID || *ifaces[0].BaseURL != gateway+"/e/"+code {
		t.Fatalf("interfaces after activation = %+v, want the enrollment's", ifaces)
	}
	// Not for other customers, nor anonymously.
	for _, key := range []string{keyB, noAuth} {
		ts.doJSON(t, "GET", "/services/"+byokServiceID+"/interfaces", key, nil, http.StatusOK, &ifaces)
		if len(ifaces) != 0 {
			t.Fatalf("interfaces for %q = %+v", key, ifaces)
		}
	}
	ts.doJSON(t, "DELETE", "/enrollments/"+e.ID, keyA, nil, http.StatusOK, nil)
	ts.doJSON(t, "GET", "/services/"+byokServiceID+"/interfaces", keyA, nil, http.StatusOK, &ifaces)
	if len(ifaces) != 0 {
		t.Fatalf("interfaces after cancel = %+v", ifaces)
	}
}
