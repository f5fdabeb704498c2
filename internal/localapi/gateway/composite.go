package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// chain runs /c/<name>: its steps in sort_order, each bounded by its
// timeout (else the chain's default). A step fails on a 5xx, a 429, a
// timeout or a transport error. on_success: stop answers with this
// step's response; continue runs the next step with the original
// request; relay runs it with this step's response body. on_failure:
// stop answers with the failure; continue and relay run the next step
// with the original request. Past the last step, its answer stands.
func (g *Gateway) chain(ctx context.Context, req *request, rt routing.Route) *result {
	path := "c/" + rt.Name
	ch, err := g.store.ResolveChain(ctx, req.principal, rt.Name)
	if errors.Is(err, store.ErrNotFound) {
		return g.refuse(ctx, req, path, noRoute(http.StatusNotFound, "no chain named '%s' among yours or your team's", rt.Name))
	}
	if err != nil {
		return g.refuse(ctx, req, path, g.routingError(err))
	}
	if !ch.Enabled {
		return g.refuse(ctx, req, path, noRoute(http.StatusNotFound, "chain '%s' is disabled; enable it (PATCH /v1/chains/%s with {\"enabled\": true}) to dispatch to it", ch.Name, ch.ID))
	}
	if len(ch.Steps) == 0 {
		return g.refuse(ctx, req, path, noRoute(http.StatusNotFound, "chain '%s' has no steps to run", ch.Name))
	}
	body := req.body
	for i, st := range ch.Steps {
		timeout := time.Duration(ch.DefaultTimeoutMS) * time.Millisecond
		if st.TimeoutMS != nil {
			timeout = time.Duration(*st.TimeoutMS) * time.Millisecond
		}
		label := "step '" + st.Name + "' of chain '" + ch.Name + "'"
		res := g.dispatch(ctx, req.with(body), routing.Join(st.TargetPath, rt.Rest), timeout, label)
		res.step = st.Name
		last := i == len(ch.Steps)-1
		if !res.failed() && st.OnSuccess == "relay" && !last {
			next := res.readAll() // bounded by the step's timeout
			if !res.failed() {
				body = next
				continue
			}
		}
		if res.failed() {
			if st.OnFailure == "stop" || last {
				return res
			}
			res.close()
			body = req.body
			continue
		}
		if st.OnSuccess == "stop" || last {
			return res
		}
		res.close()
		body = req.body
	}
	panic("unreachable: the last step returns")
}

// targetResult is one entry of a broadcast's envelope.
type targetResult struct {
	Name       string          `json:"name"`
	TargetPath string          `json:"target_path"`
	StatusCode int             `json:"status_code"`
	ElapsedMS  int64           `json:"elapsed_ms"`
	Body       json.RawMessage `json:"body,omitempty"`
	Error      *string         `json:"error,omitempty"`
}

// broadcast runs /b/<name>: every target in parallel, each bounded by
// target_timeout_ms and with its routing_key_override merged into the
// body; the answer is 200 with every target's result in sort_order.
func (g *Gateway) broadcast(ctx context.Context, req *request, rt routing.Route) *result {
	path := "b/" + rt.Name
	b, err := g.store.ResolveBroadcast(ctx, req.principal, rt.Name)
	if errors.Is(err, store.ErrNotFound) {
		return g.refuse(ctx, req, path, noRoute(http.StatusNotFound, "no broadcast named '%s' among yours or your team's", rt.Name))
	}
	if err != nil {
		return g.refuse(ctx, req, path, g.routingError(err))
	}
	if !b.Enabled {
		return g.refuse(ctx, req, path, noRoute(http.StatusNotFound, "broadcast '%s' is disabled; enable it (PATCH /v1/broadcasts/%s with {\"enabled\": true}) to dispatch to it", b.Name, b.ID))
	}
	timeout := time.Duration(b.TargetTimeoutMS) * time.Millisecond
	results := make([]targetResult, len(b.Targets))
	var wg sync.WaitGroup
	for i, t := range b.Targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			label := "target '" + t.Name + "' of broadcast '" + b.Name + "'"
			res := g.dispatch(ctx, req.with(mergeBody(req.body, t.RoutingKeyOverride)), routing.Join(t.TargetPath, rt.Rest), timeout, label)
			out := res.readAll()
			tr := targetResult{Name: t.Name, TargetPath: t.TargetPath, ElapsedMS: time.Since(start).Milliseconds()}
			if res.err != nil {
				tr.StatusCode, tr.Error = res.err.status, &res.err.detail
			} else {
				tr.StatusCode, tr.Body = res.status, jsonOrString(out)
			}
			results[i] = tr
		}()
	}
	wg.Wait()
	env, _ := json.Marshal(map[string]any{"results": results})
	return buffered(http.StatusOK, env)
}

// jsonOrString is a body as JSON when it is JSON, else as a JSON string
// (an SSE stream, plain text).
func jsonOrString(b []byte) json.RawMessage {
	if json.Valid(b) {
		return b
	}
	s, _ := json.Marshal(string(b))
	return s
}

// Call is a request dispatched from inside unitysvc-local: a scheduled
// or triggered run of a recurrent request.
type Call struct {
	Principal store.Principal
	Method    string
	// Path is gateway-relative, with or without a leading slash.
	Path               string
	Header             http.Header
	Body               []byte
	RecurrentRequestID string
}

// Response is a Call's answer, read in full. Err is set when the gateway
// answered itself (no route, missing secret, upstream timeout or
// transport error): Status and Body then carry that {"detail": ...}.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Err    string
}

// Do dispatches a call as the backend does for scheduled runs: with the
// owner's identity, logged with gateway_source "backend" and the
// recurrent request's id.
func (g *Gateway) Do(ctx context.Context, c Call) Response {
	var rid *string
	if c.RecurrentRequestID != "" {
		rid = &c.RecurrentRequestID
	}
	req, err := g.newRequest(ctx, c.Principal, c.Method, c.Path, c.Header, c.Body, SourceBackend, rid)
	if err != nil {
		detail, _ := json.Marshal(map[string]string{"detail": "Internal server error"})
		return Response{Status: http.StatusInternalServerError, Body: detail, Err: err.Error()}
	}
	var res *result
	if _, ok := routing.ParsePath(c.Path); ok {
		res = g.dispatch(ctx, req, c.Path, g.timeout, "")
	} else {
		res = g.refuse(ctx, req, c.Path, noRoute(http.StatusNotFound, "'%s' is not a gateway route: a request path starts with %s", c.Path, routes))
	}
	body := res.readAll()
	if res.err != nil {
		detail, _ := json.Marshal(map[string]string{"detail": res.err.detail})
		return Response{Status: res.err.status, Header: http.Header{"Content-Type": {"application/json"}}, Body: detail, Err: res.err.detail}
	}
	return Response{Status: res.status, Header: res.header, Body: body}
}
