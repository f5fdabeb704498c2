package tfutil

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

type fakeObj struct {
	ID, Name, Desc, CreatedAt string
}

// fakeAPI is a server of fakeObjs whose create can be made to fail.
type fakeAPI struct {
	objs      []fakeObj
	createErr error
	// made is the object a create makes even when its answer is lost
	// (empty: the create fails before taking effect).
	made    *fakeObj
	findErr error
	finds   int
	creates int
}

var lostAnswer = &client.APIError{StatusCode: 503, Method: "POST", Path: "/things/", Detail: "connection reset after processing"}

// creation is the create of thing "x", configured with the description "d".
func (f *fakeAPI) creation() Creation[fakeObj] {
	return Creation[fakeObj]{
		Resource: "unitysvc_thing",
		What:     `thing "x" in your personal scope`,
		Create: func(context.Context) (*fakeObj, error) {
			f.creates++
			if f.made != nil {
				f.made.CreatedAt = time.Now().UTC().Format(time.RFC3339Nano)
				f.objs = append(f.objs, *f.made)
			}
			if f.createErr != nil {
				return nil, f.createErr
			}
			return f.made, nil
		},
		Find: func(context.Context) ([]fakeObj, error) {
			f.finds++
			if f.findErr != nil {
				return nil, f.findErr
			}
			return append([]fakeObj(nil), f.objs...), nil
		},
		Differences: func(o *fakeObj) []string {
			var m Mismatches
			m.Check("description", o.Desc == "d")
			return m
		},
		ID:        func(o *fakeObj) string { return o.ID },
		ImportID:  func(o *fakeObj) string { return "import-" + o.ID },
		CreatedAt: func(o *fakeObj) string { return o.CreatedAt },
	}
}

func run(f *fakeAPI, mutate ...func(*Creation[fakeObj])) (*fakeObj, diag.Diagnostics) {
	var diags diag.Diagnostics
	c := f.creation()
	for _, m := range mutate {
		m(&c)
	}
	return RunCreate(context.Background(), &diags, "Unable to create thing x", c), diags
}

func diagText(d diag.Diagnostics) string {
	var b strings.Builder
	for _, x := range d {
		b.WriteString(x.Severity().String() + ": " + x.Summary() + ": " + x.Detail() + "\n")
	}
	return b.String()
}

func TestRunCreateSuccessLooksNothingUp(t *testing.T) {
	f := &fakeAPI{made: &fakeObj{ID: "1", Desc: "d"}}
	got, diags := run(f)
	if got == nil || got.ID != "1" || diags.HasError() || len(diags) != 0 || f.finds != 0 {
		t.Fatalf("got %v, diags %s, finds %d", got, diagText(diags), f.finds)
	}
}

func TestRunCreateAdoptsTheObjectALostAnswerMade(t *testing.T) {
	f := &fakeAPI{made: &fakeObj{ID: "new", Desc: "d"}, createErr: lostAnswer, objs: []fakeObj{{ID: "other", Desc: "zzz", CreatedAt: "2020-01-01T00:00:00Z"}}}
	got, diags := run(f)
	if got == nil || got.ID != "new" || diags.HasError() {
		t.Fatalf("got %v, diags %s", got, diagText(diags))
	}
	text := diagText(diags)
	if diags.WarningsCount() != 1 || !strings.Contains(text, `thing "x"`) || !strings.Contains(text, "id new") || !strings.Contains(text, "never sent twice") {
		t.Fatalf("want one warning naming the adopted object, got %s", text)
	}
	if f.creates != 1 {
		t.Fatalf("create sent %d times", f.creates)
	}
}

func TestRunCreateUnknownOutcomeKinds(t *testing.T) {
	reset := &client.TransportError{Method: "POST", Path: "/things/", Err: errors.New("read: connection reset by peer")}
	f := &fakeAPI{made: &fakeObj{ID: "new", Desc: "d"}, createErr: reset}
	if got, diags := run(f); got == nil || diags.HasError() {
		t.Fatalf("a reset after sending: got %v, diags %s", got, diagText(diags))
	}
}

func TestRunCreateNeverAdoptsAnOlderObject(t *testing.T) {
	// The create lost its answer (it was a conflict); the object with the
	// name existed long before and matches every field.
	f := &fakeAPI{createErr: lostAnswer, objs: []fakeObj{{ID: "old", Desc: "d", CreatedAt: "2020-01-01T00:00:00.000000Z"}}}
	got, diags := run(f)
	text := diagText(diags)
	if got != nil || !diags.HasError() || !strings.Contains(text, "id old: it was created at 2020-01-01") ||
		!strings.Contains(text, "terraform import unitysvc_thing.<name> import-old") || !strings.Contains(text, "tofu import") || !strings.Contains(text, `id = "import-old"`) {
		t.Fatalf("want an error naming the older object with import advice, got %v %s", got, text)
	}
}

func TestRunCreateRefusesAMismatch(t *testing.T) {
	f := &fakeAPI{made: &fakeObj{ID: "new", Desc: "someone else's"}, createErr: lostAnswer}
	got, diags := run(f)
	if text := diagText(diags); got != nil || !strings.Contains(text, "id new: it differs in description") {
		t.Fatalf("got %v, %s", got, text)
	}
}

func TestRunCreateLostBeforeTakingEffect(t *testing.T) {
	f := &fakeAPI{createErr: lostAnswer}
	got, diags := run(f)
	if text := diagText(diags); got != nil || !strings.Contains(text, "did not take effect") || !strings.Contains(text, "apply again") {
		t.Fatalf("got %v, %s", got, text)
	}
}

func TestRunCreateAmbiguous(t *testing.T) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	f := &fakeAPI{createErr: lostAnswer, objs: []fakeObj{{ID: "a", Desc: "d", CreatedAt: now}, {ID: "b", Desc: "d", CreatedAt: now}}}
	got, diags := run(f)
	if text := diagText(diags); got != nil || !strings.Contains(text, "2 objects") || !strings.Contains(text, "id a") || !strings.Contains(text, "id b") {
		t.Fatalf("got %v, %s", got, text)
	}
}

func TestRunCreateLookupFails(t *testing.T) {
	f := &fakeAPI{createErr: lostAnswer, findErr: &client.APIError{StatusCode: 502, Method: "GET", Path: "/things/"}}
	got, diags := run(f)
	if text := diagText(diags); got != nil || !strings.Contains(text, "Looking it up failed too") || !strings.Contains(text, "may exist") || !strings.Contains(text, "<id>") {
		t.Fatalf("got %v, %s", got, text)
	}
}

func TestRunCreateConflictGivesTheImportCommand(t *testing.T) {
	f := &fakeAPI{createErr: &client.APIError{StatusCode: 409, Detail: "a thing named x exists", Method: "POST", Path: "/things/"},
		objs: []fakeObj{{ID: "old", Desc: "d", CreatedAt: "2020-01-01T00:00:00Z"}}}
	got, diags := run(f)
	text := diagText(diags)
	if got != nil || !strings.Contains(text, "a thing named x exists") || !strings.Contains(text, "already exists (id old)") ||
		!strings.Contains(text, "terraform import unitysvc_thing.<name> import-old") {
		t.Fatalf("got %v, %s", got, text)
	}
	if strings.Contains(text, "retr") {
		t.Fatalf("a request that was not retried must not be called retried: %s", text)
	}
}

func TestRunCreateListFirstSkipsWhatExistedBefore(t *testing.T) {
	// No creation times: the listing taken before the create tells the
	// old object from the new one.
	f := &fakeAPI{createErr: lostAnswer, objs: []fakeObj{{ID: "old", Desc: "d"}}}
	noTimes := func(c *Creation[fakeObj]) { c.CreatedAt, c.ListFirst = nil, true }
	got, diags := run(f, noTimes)
	if text := diagText(diags); got != nil || !strings.Contains(text, "id old: it existed before this create was sent") {
		t.Fatalf("got %v, %s", got, text)
	}
	f = &fakeAPI{createErr: lostAnswer, made: &fakeObj{ID: "new", Desc: "d"}, objs: []fakeObj{{ID: "old", Desc: "d"}}}
	got, diags = run(f, noTimes)
	if got == nil || got.ID != "new" || diags.HasError() {
		t.Fatalf("got %v, %s", got, diagText(diags))
	}
}

func TestRunCreateOtherErrors(t *testing.T) {
	f := &fakeAPI{createErr: &client.APIError{StatusCode: 422, Detail: "bad name", Method: "POST", Path: "/things/"}}
	got, diags := run(f)
	if text := diagText(diags); got != nil || !strings.Contains(text, "bad name") || f.finds != 0 {
		t.Fatalf("got %v, %s, finds %d", got, text, f.finds)
	}
	var failed error
	_, diags = run(f, func(c *Creation[fakeObj]) { c.Fail = func(err error) { failed = err } })
	if failed == nil || diags.HasError() {
		t.Fatalf("Fail was not called (%v), diags %s", failed, diagText(diags))
	}
}

func TestSameJSON(t *testing.T) {
	one := int64(1)
	for _, tc := range []struct {
		a, b any
		want bool
	}{
		{map[string]any{"a": 1, "b": "x"}, map[string]string{"b": "x", "a": "1"}, false},
		{map[string]any{"a": 1.0, "b": "x"}, map[string]any{"b": "x", "a": one}, true},
		{map[string]any(nil), map[string]any{}, true},
		{[]int(nil), []int{}, true},
		{(*string)(nil), nil, true},
		{"", nil, false},
	} {
		if got := SameJSON(tc.a, tc.b); got != tc.want {
			t.Errorf("SameJSON(%#v, %#v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestParseAPITime(t *testing.T) {
	for _, s := range []string{"2026-01-02T03:04:05.123456Z", "2026-01-02T03:04:05.123456", "2026-01-02T03:04:05+00:00", "2026-01-02 03:04:05.123456"} {
		if got, ok := ParseAPITime(s); !ok || got.UTC().Format("2006-01-02T15:04:05") != "2026-01-02T03:04:05" {
			t.Errorf("ParseAPITime(%q) = %v, %v", s, got, ok)
		}
	}
	if _, ok := ParseAPITime("t"); ok {
		t.Error("a non-time parsed")
	}
}
