package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// The graph fuzz target's catalog: a service answering at once, one
// always failing (so chains fail over to their next step).
const (
	graphFastID = "00000000-0000-0000-0000-00000000f0f0"
	graphFailID = "00000000-0000-0000-0000-00000000fa11"
	graphMaxDeg = 20 // steps or targets of one node, the API's limit
)

const graphCatalog = `{"services":[
 {"id":"` + graphFastID + `","name":"fast","routing_key":{"model":"m"}},
 {"id":"` + graphFailID + `","name":"fail","routing_key":{"model":"m"},"upstream":{"status":503}}],
 "groups":[]}`

// graphEnv is an API and its gateway over one store, for random graphs
// of aliases, chains and broadcasts; each graph belongs to a customer of
// its own, so the checks read only its nodes.
type graphEnv struct {
	st  *store.Store
	api http.Handler
	gw  http.Handler
	n   atomic.Int64 // graphs written
}

// graphOwner is the customer and key of one graph.
type graphOwner struct {
	p   store.Principal
	key string
}

func (e *graphEnv) owner(t *testing.T) graphOwner {
	t.Helper()
	ctx := context.Background()
	n := e.n.Add(1)
	o := graphOwner{key: fmt.Sprint("svcpass_graph_", n)}
	var err error
	if o.p, err = e.st.EnsureAPIKey(ctx, fmt.Sprint("graph-", n), o.key); err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.SetRequestLogging(ctx, o.p.UserID, true, nil); err != nil {
		t.Fatal(err)
	}
	return o
}

func newGraphEnv(tb testing.TB) *graphEnv {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	cat, err := catalog.Parse([]byte(graphCatalog))
	if err != nil {
		tb.Fatal(err)
	}
	a, gw := newWiredAPI(tb, st, cat)
	return &graphEnv{st: st, api: a, gw: gw}
}

func (e *graphEnv) serve(h http.Handler, key, path string, body any) (int, []byte) {
	b, _ := json.Marshal(body)
	if s, ok := body.(string); ok {
		b = []byte(s)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// graphNode is one alias, chain or broadcast of a random graph.
type graphNode struct {
	kind    byte // 'a', 'b', 'c'
	name    string
	targets []string
	relay   []bool // a chain step relays its answer (else continues)
}

// decodeGraph reads up to 8 nodes from data: each a kind, a number of
// children (one for an alias) and, per child, a target among the nodes
// and three leaves (a service that answers, one that fails, no route).
func decodeGraph(data []byte, prefix string) []graphNode {
	next := func() byte {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return b
	}
	nodes := make([]graphNode, int(next()%8)+1)
	for i := range nodes {
		nodes[i] = graphNode{kind: "abc"[next()%3], name: fmt.Sprintf("%sn%d", prefix, i)}
	}
	path := func(b byte) string {
		switch k := int(b) % (len(nodes) + 3); k {
		case len(nodes):
			return "p/" + graphFastID
		case len(nodes) + 1:
			return "p/" + graphFailID
		case len(nodes) + 2:
			return "g/nope"
		default:
			return string(nodes[k].kind) + "/" + nodes[k].name
		}
	}
	for i := range nodes {
		n := 1
		if nodes[i].kind != 'a' {
			n = int(next()) % (graphMaxDeg + 1)
		}
		for range n {
			b := next()
			nodes[i].targets = append(nodes[i].targets, path(b))
			nodes[i].relay = append(nodes[i].relay, b&0x80 != 0)
		}
	}
	return nodes
}

// write creates the node through the API; it reports whether the API
// accepted it (a 422 for a loop or a limit is the other answer allowed).
func (e *graphEnv) write(t *testing.T, o graphOwner, n graphNode) bool {
	t.Helper()
	var status int
	var out []byte
	switch n.kind {
	case 'a':
		status, out = e.serve(e.api, o.key, "/v1/aliases/", map[string]any{"name": n.name, "target_path": n.targets[0]})
	case 'b':
		var ts []any
		for i, p := range n.targets {
			ts = append(ts, map[string]any{"name": fmt.Sprint("t", i), "target_path": p, "sort_order": i})
		}
		status, out = e.serve(e.api, o.key, "/v1/broadcasts/", map[string]any{"name": n.name, "target_timeout_ms": 5000, "targets": ts})
	case 'c':
		status, out = e.serve(e.api, o.key, "/v1/chains/", map[string]any{"name": n.name, "steps": chainSteps(n)})
	}
	switch status {
	case http.StatusCreated:
		return true
	case http.StatusUnprocessableEntity:
		if !strings.Contains(string(out), "leads back to") {
			t.Fatalf("%c/%s refused for another reason than a loop: %s", n.kind, n.name, out)
		}
		return false
	}
	t.Fatalf("writing %c/%s: %d %s", n.kind, n.name, status, out)
	return false
}

func chainSteps(n graphNode) []any {
	var ss []any
	for i, p := range n.targets {
		verb := "continue"
		if n.relay[i] {
			verb = "relay"
		}
		ss = append(ss, map[string]any{"name": fmt.Sprint("s", i), "target_path": p, "sort_order": i, "on_success": verb, "on_failure": verb})
	}
	return ss
}

// force writes a node the API refused straight into the store, as a
// concurrent write or a teammate's objects could, so dispatch meets the
// loop.
func (e *graphEnv) force(t *testing.T, o graphOwner, n graphNode) {
	t.Helper()
	ctx := context.Background()
	var err error
	switch n.kind {
	case 'a':
		_, err = e.st.CreateAlias(ctx, o.p, false, store.Alias{Name: n.name, TargetPath: n.targets[0], IsRouting: true})
	case 'b':
		var ts []store.BroadcastTargetWrite
		for i, p := range n.targets {
			ts = append(ts, store.BroadcastTargetWrite{Name: fmt.Sprint("t", i), TargetPath: p, SortOrder: int64(i)})
		}
		_, err = e.st.CreateBroadcast(ctx, o.p, false, store.BroadcastWrite{Name: n.name, Mode: "sync", TargetTimeoutMS: 5000, Enabled: true, Targets: ts})
	case 'c':
		var ss []store.ChainStepWrite
		for i, p := range n.targets {
			verb := "continue"
			if n.relay[i] {
				verb = "relay"
			}
			ss = append(ss, store.ChainStepWrite{Name: fmt.Sprint("s", i), TargetPath: p, OnSuccess: verb, OnFailure: verb, SortOrder: int64(i)})
		}
		_, err = e.st.CreateChain(ctx, o.p, false, store.ChainWrite{Name: n.name, DefaultTimeoutMS: 5000, Enabled: true, Steps: ss})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (e *graphEnv) upstreamAttempts(t *testing.T) int {
	t.Helper()
	e.st.FlushRequestLogs()
	var n int
	if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM request_logs WHERE service_id IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Random graphs of aliases, chains and broadcasts, loops included (the
// API refuses them; they are then written past it): a request to any
// node is answered without a panic or a 500, within the budget of 64
// upstream attempts, in bounded time; and when the API accepted every
// node, dispatch finds no loop.
func FuzzRoutingGraphs(f *testing.F) {
	e := newGraphEnv(f)
	for _, seed := range [][]byte{
		{0, 2, 1, 0},          // a chain whose step is itself
		{0, 1, 4, 0, 0, 0, 0}, // a broadcast of four targets, all itself
		{1, 0, 1, 1, 2},       // an alias to a chain back to the alias
		{7, 1, 1, 1, 1, 1, 1, 1, 1, 20, 1, 20, 2, 20, 3, 20, 4, 20, 5, 20, 6, 20, 7, 20, 8},  // a tree of broadcasts
		{2, 2, 2, 2, 20, 9, 137, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}, // failing steps
	} {
		f.Add(seed, uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, entry uint8) { runGraph(t, e, data, entry) })
}

// runGraph writes the graph data describes and dispatches to one of its
// nodes, checking the answer and the attempts it made.
func runGraph(t *testing.T, e *graphEnv, data []byte, entry uint8) {
	t.Helper()
	{
		o := e.owner(t)
		nodes := decodeGraph(data, "")
		accepted := true
		for _, n := range nodes {
			if !e.write(t, o, n) {
				accepted = false
				e.force(t, o, n)
			}
		}
		n := nodes[int(entry)%len(nodes)]
		before := e.upstreamAttempts(t)
		start := time.Now()
		status, out := e.serve(e.gw, o.key, "/"+string(n.kind)+"/"+n.name+"/v1/chat/completions", `{"model":"m"}`)
		took := time.Since(start)
		if status == http.StatusInternalServerError || !json.Valid(out) && status != http.StatusOK {
			t.Fatalf("dispatch to %c/%s: %d %.500s", n.kind, n.name, status, out)
		}
		if used := e.upstreamAttempts(t) - before; used > 64 {
			t.Fatalf("dispatch to %c/%s made %d upstream attempts, more than the budget of 64", n.kind, n.name, used)
		}
		if took > 20*time.Second {
			t.Fatalf("dispatch to %c/%s took %v", n.kind, n.name, took)
		}
		if accepted && strings.Contains(string(out), "is reached again through") {
			t.Fatalf("the API accepted every node, yet dispatch met a loop: %.500s", out)
		}
	}
}
