package gateway

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// Body capture for request logs: an 8 KB preview in truncated mode; in
// complete mode the whole body, up to 10 MiB.
const (
	previewBytes  = 8 << 10
	completeBytes = 10 << 20
)

func captureLimit(p store.LoggingPreference) int {
	if !p.Enabled {
		return 0
	}
	if p.Truncate {
		return previewBytes
	}
	return completeBytes
}

// attempt is one upstream call (or refusal) being recorded.
type attempt struct {
	g     *Gateway
	req   *request
	path  string
	cand  *routing.Candidate
	start time.Time
}

func (g *Gateway) attempt(req *request, path string, cand *routing.Candidate) *attempt {
	return &attempt{g: g, req: req, path: path, cand: cand, start: time.Now()}
}

// redacted is a header set safe to store: credentials and anything named
// like a key, token, secret or cookie are replaced.
func redacted(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		lk := strings.ToLower(k)
		v := strings.Join(vs, ", ")
		for _, part := range []string{"authorization", "key", "token", "secret", "cookie", "signature", "password"} {
			if strings.Contains(lk, part) {
				v = "[redacted]"
				break
			}
		}
		out[lk] = v
	}
	return out
}

func preview(b []byte, limit int) *string {
	if len(b) == 0 {
		return nil
	}
	if len(b) > limit {
		b = b[:limit]
	}
	s := string(b)
	return &s
}

// done writes the attempt's request-log row, when the caller's user
// started logging. body is the upstream's body as read, nil without one.
func (a *attempt) done(res *result, body *loggedBody) {
	req := a.req
	if !req.logging.Enabled {
		return
	}
	limit := captureLimit(req.logging)
	row := &store.RequestLog{
		ID: newLogID(), EventID: req.event, CustomerID: req.principal.CustomerID, UserID: req.principal.UserID,
		Timestamp: a.start, GatewaySource: req.source, Method: req.method, Path: req.userPath,
		RecurrentRequestID: req.recurrentID, RequestHeaders: redacted(req.header), RequestBody: preview(req.body, limit),
		RequestContentType: req.header.Get("Content-Type"),
		TimeMS:             new(math.Round(float64(time.Since(a.start).Microseconds())) / 1000),
	}
	if target := "/" + strings.TrimLeft(a.path, "/"); target != req.userPath {
		row.TargetPath = &target
	}
	if a.cand != nil {
		row.ServiceID = &a.cand.Service.ID
		if a.cand.Enrollment != nil {
			row.EnrollmentID = &a.cand.Enrollment.ID
		}
	}
	if res.err != nil {
		row.StatusCode = &res.err.status
		row.ErrorSource, row.ErrorType, row.ErrorDetail = &res.err.source, &res.err.typ, &res.err.detail
	} else {
		row.StatusCode, row.HasResponse = &res.status, true
		row.ResponseHeaders = redacted(res.header)
		if body != nil {
			row.ResponseBody = preview(body.capture.Bytes(), limit)
			if body.err == nil && body.total == int64(body.capture.Len()) && a.cand != nil {
				row.UsageCharge, row.UsageMetrics = usage(a.cand.Service, body.capture.Bytes())
			}
		}
		if res.status >= 400 {
			row.ErrorSource, row.ErrorType = new("upstream"), new(errUpstream)
		}
	}
	if req.wrapper != "" {
		// Which wrapper this row is for: m (a cache hit, no upstream
		// attempt, no usage), f (the failover secondary), t (a tee copy).
		if row.HasResponse {
			row.ResponseHeaders[strings.ToLower(headerWrapper)] = req.wrapper
		} else if row.ErrorDetail != nil {
			row.ErrorDetail = new("(" + wrapperNames[req.wrapper[0]] + " wrapper " + req.wrapper + "/) " + *row.ErrorDetail)
		}
		if req.wrapper == "m" {
			row.UsageCharge, row.UsageMetrics = nil, nil
		}
	}
	a.g.store.EnqueueRequestLog(row)
}

// newLogID is a request-log row's id: a version 7 UUID, which starts
// with its time, so that rows are appended to the table's id index
// instead of inserted at random places in it (random version 4 ids made
// the index's page splits a visible share of the writer's time).
func newLogID() string {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.NewString()
	}
	return id.String()
}

// usage is the usage event of an OpenAI answer: the charge at the
// service's list price (per 1M tokens) and the token counts.
func usage(s *catalog.Service, body []byte) (charge, metrics *string) {
	// Only the usage members are decoded: a walk over the answer's top
	// level finds them (decoding the whole answer into a struct that
	// skips the rest cost three passes over it). Like encoding/json, the
	// walk matches the name in any case, and several are decoded in turn.
	raw := []byte{'{'}
	if !objectMembers(body, func(key, v []byte) {
		if bytes.EqualFold(key, []byte("usage")) {
			if len(raw) > 1 {
				raw = append(raw, ',')
			}
			raw = append(append(raw, `"usage":`...), v...)
		}
	}) {
		return nil, nil
	}
	raw = append(raw, '}')
	var u struct {
		Usage *struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
			TotalTokens      int `json:"total_tokens"`
		} `json:"usage"`
	}
	if json.Unmarshal(raw, &u) != nil || u.Usage == nil {
		return nil, nil
	}
	in, out := s.TokenPrices()
	c := (float64(u.Usage.PromptTokens)*in + float64(u.Usage.CompletionTokens)*out) / 1e6
	// As json.Marshal writes the struct, without its reflection.
	m := `{"prompt_tokens":` + strconv.Itoa(u.Usage.PromptTokens) + `,"completion_tokens":` + strconv.Itoa(u.Usage.CompletionTokens) +
		`,"total_tokens":` + strconv.Itoa(u.Usage.TotalTokens) + `}`
	return new(strconv.FormatFloat(c, 'f', 8, 64)), &m
}
