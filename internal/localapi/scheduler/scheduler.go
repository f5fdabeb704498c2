package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/gateway"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
)

// Dispatcher runs one call through the gateway.
type Dispatcher interface {
	Do(ctx context.Context, c gateway.Call) gateway.Response
}

// Options configures a Scheduler.
type Options struct {
	Store   *store.Store
	Gateway Dispatcher
	// Tick is how much real time one second of schedule time takes:
	// 1s (the default) runs schedules in real time; 10ms runs them 100
	// times faster, so a 60-second interval fires every 0.6 s (tests and
	// demos). Times in a request's state are schedule times.
	Tick time.Duration
	// Now is the real clock (tests); nil is time.Now.
	Now func() time.Time
	// RunTimeout bounds each run as a whole, in real time (zero:
	// DefaultRunTimeout): past it the run is cancelled and recorded as
	// failed.
	RunTimeout time.Duration
	Logger     *slog.Logger
}

// DefaultRunTimeout bounds a run: the gateway bounds each upstream
// attempt (120 s by default), and chains run several one after another.
const DefaultRunTimeout = 5 * time.Minute

// Scheduler runs active recurrent requests when they are due.
type Scheduler struct {
	store *store.Store
	gw    Dispatcher
	tick  time.Duration
	now   func() time.Time
	epoch time.Time // where schedule time and real time agree
	log   *slog.Logger
	// runTimeout bounds each run.
	runTimeout time.Duration
	// running counts runs in flight, so Close can wait for them;
	// inFlight holds the ids of requests with a run in flight (a
	// scheduled run or a trigger): their next run is not claimed until it
	// ends.
	running  sync.WaitGroup
	mu       sync.Mutex
	inFlight map[string]int
}

// New returns a scheduler; Run starts its loop.
func New(opts Options) *Scheduler {
	s := &Scheduler{store: opts.Store, gw: opts.Gateway, tick: opts.Tick, now: opts.Now, log: opts.Logger,
		runTimeout: opts.RunTimeout, inFlight: map[string]int{}}
	if s.runTimeout <= 0 {
		s.runTimeout = DefaultRunTimeout
	}
	if s.tick <= 0 {
		s.tick = time.Second
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.epoch = s.now()
	return s
}

// Now is the schedule clock: real time, sped up by Tick.
func (s *Scheduler) Now() time.Time {
	real := s.now()
	if s.tick == time.Second {
		return real.UTC()
	}
	elapsed := real.Sub(s.epoch)
	return s.epoch.Add(time.Duration(float64(elapsed) * float64(time.Second) / float64(s.tick))).UTC()
}

// Plan sets the request's next run from its status and schedule: the
// schedule's next time after now when active, none otherwise (a paused,
// draft or cancelled request has no next run).
func (s *Scheduler) Plan(rr *store.RecurrentRequest) {
	rr.NextRunAt = nil
	if rr.Status != "active" || rr.Schedule == nil {
		return
	}
	sched, err := Parse(*rr.Schedule)
	if err != nil {
		return
	}
	now := s.Now()
	anchor := now
	if rr.ScheduleAnchor != nil {
		if t, err := time.Parse(time.RFC3339Nano, *rr.ScheduleAnchor); err == nil {
			anchor = t
		}
	}
	if next := sched.Next(now, anchor); !next.IsZero() {
		v := Format(next)
		rr.NextRunAt = &v
	}
}

// pollEvery is how often the loop looks for due requests, in real time.
func (s *Scheduler) pollEvery() time.Duration {
	return min(max(s.tick/4, 2*time.Millisecond), 250*time.Millisecond)
}

// Run fires due requests until ctx ends, then waits for runs in flight.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.pollEvery())
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.Wait()
			return
		case <-t.C:
			if err := s.RunDue(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("scheduler: finding due requests", "error", err)
			}
		}
	}
}

// Wait waits until the runs RunDue started have finished.
func (s *Scheduler) Wait() { s.running.Wait() }

// RunDue starts every request due now, once: a request overdue by many
// runs (the server was down) fires once and its next run is the
// schedule's next time after now, with no catch-up. A request whose
// previous run is still in flight is not claimed: it runs once that run
// has ended. A run runs the request as it is when it is claimed.
func (s *Scheduler) RunDue(ctx context.Context) error {
	now := s.Now()
	due, err := s.store.DueRecurrentRequests(ctx, Format(now))
	if err != nil {
		return err
	}
	for _, rr := range due {
		if s.busy(rr.ID) {
			continue
		}
		next := *rr
		s.Plan(&next) // the next time after now
		claimed, err := s.store.ClaimRecurrentRun(ctx, rr.ID, rr.NextRunAt, next.NextRunAt)
		if err != nil {
			return err
		}
		if claimed == nil || rr.NextRunAt == nil {
			continue // changed meanwhile, or only just planned (stored before runs were scheduled)
		}
		if claimed.RunAs == nil {
			claimed.RunAs = claimed.CreatedBy
		}
		s.begin(claimed.ID)
		s.running.Add(1)
		go func() {
			defer s.running.Done()
			defer s.end(claimed.ID)
			s.runScheduled(ctx, claimed)
		}()
	}
	return nil
}

// busy reports whether a run of the request is in flight.
func (s *Scheduler) busy(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight[id] > 0
}

func (s *Scheduler) begin(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight[id]++
}

func (s *Scheduler) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inFlight[id]--; s.inFlight[id] <= 0 {
		delete(s.inFlight, id)
	}
}

// runScheduled runs a claimed request as the user it runs as, unless
// that user's key has been disabled: then the run does not happen and
// last_error says why.
func (s *Scheduler) runScheduled(ctx context.Context, rr *store.RecurrentRequest) {
	if rr.RunAs == nil {
		s.skip(ctx, rr, "the recurrent request has no user to run as")
		return
	}
	disabled, err := s.store.UserDisabled(ctx, *rr.RunAs)
	if err != nil {
		s.log.Error("scheduler: checking the user a request runs as", "id", rr.ID, "error", err)
		return
	}
	if disabled {
		s.skip(ctx, rr, "not run: the API key of the user it runs as (who last changed its path, body or headers) is no longer accepted by unitysvc-local (absent from --api-key); it runs again once that key is accepted, or once a user with a working key updates it")
		return
	}
	s.run(ctx, store.Principal{UserID: *rr.RunAs, CustomerID: rr.CustomerID}, rr)
}

func (s *Scheduler) skip(ctx context.Context, rr *store.RecurrentRequest, reason string) {
	if err := s.store.RecordRecurrentSkip(context.WithoutCancel(ctx), rr.ID, reason); err != nil {
		s.log.Error("scheduler: recording a skipped run", "id", rr.ID, "error", err)
	}
}

// Trigger runs the request now as caller (the user who asked for it),
// counts the run and returns the answer; its next scheduled run stays as
// it was, and is not claimed while this run is in flight.
func (s *Scheduler) Trigger(ctx context.Context, caller store.Principal, rr *store.RecurrentRequest) gateway.Response {
	s.begin(rr.ID)
	defer s.end(rr.ID)
	return s.run(ctx, caller, rr)
}

// run dispatches the request as p, bounded by the run timeout, and
// records the run in its state.
func (s *Scheduler) run(ctx context.Context, p store.Principal, rr *store.RecurrentRequest) gateway.Response {
	at := Format(s.Now())
	ctx, cancel := context.WithTimeoutCause(ctx, s.runTimeout, errRunTimeout)
	defer cancel()
	resp, err := s.dispatch(ctx, p, rr)
	if errors.Is(context.Cause(ctx), errRunTimeout) {
		msg := fmt.Sprintf("the run did not finish within its deadline of %s and was stopped", s.runTimeout)
		detail, _ := json.Marshal(map[string]string{"detail": msg})
		resp, err = gateway.Response{Status: http.StatusGatewayTimeout, Header: http.Header{"Content-Type": {"application/json"}}, Body: detail, Err: msg}, nil
	}
	var status *int
	var runErr *string
	switch {
	case err != nil:
		msg := err.Error()
		runErr = &msg
		detail, _ := json.Marshal(map[string]string{"detail": msg})
		resp = gateway.Response{Status: http.StatusUnprocessableEntity, Header: http.Header{"Content-Type": {"application/json"}}, Body: detail, Err: msg}
	case resp.Err != "":
		status, runErr = &resp.Status, &resp.Err
	default:
		status = &resp.Status
		if resp.Status >= 400 {
			msg := fmt.Sprintf("the upstream answered %d %s", resp.Status, http.StatusText(resp.Status))
			runErr = &msg
		}
	}
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer rcancel()
	if err := s.store.RecordRecurrentRun(rctx, rr.ID, at, status, runErr); err != nil {
		s.log.Error("scheduler: recording a run", "id", rr.ID, "error", err)
	}
	return resp
}

// errRunTimeout is the cause of a run's context past its deadline.
var errRunTimeout = errors.New("run timeout")

// dispatch builds the request's call as p: its path (made
// gateway-relative: a path that is no gateway route is taken relative to
// the request's enrollment, else its service), method, headers and body.
func (s *Scheduler) dispatch(ctx context.Context, p store.Principal, rr *store.RecurrentRequest) (gateway.Response, error) {
	path := strings.TrimLeft(rr.RequestPath, "/")
	if _, ok := routing.ParsePath(path); !ok {
		switch {
		case rr.EnrollmentID != nil:
			e, err := s.store.GetEnrollment(ctx, p, *rr.EnrollmentID)
			if err != nil {
				return gateway.Response{}, fmt.Errorf("the request's enrollment %s cannot be used: %w", *rr.EnrollmentID, err)
			}
			path = routing.Join("e/"+e.Code, path)
		case rr.ServiceID != nil:
			path = routing.Join("p/"+*rr.ServiceID, path)
		}
	}
	h := http.Header{}
	if rr.RequestHeaders != nil {
		var m map[string]string
		if err := json.Unmarshal([]byte(*rr.RequestHeaders), &m); err != nil {
			return gateway.Response{}, fmt.Errorf("the request's headers cannot be read: %w", err)
		}
		for k, v := range m {
			h.Set(k, v)
		}
	}
	var body []byte
	if rr.BodyTemplate != nil {
		body = []byte(*rr.BodyTemplate)
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
	}
	// X-Unitysvc-Log-Request is the request's own opt-in to the request
	// logs: a directive to the gateway, not sent upstream.
	logRun := strings.EqualFold(strings.TrimSpace(h.Get(LogRequestHeader)), "true")
	h.Del(LogRequestHeader)
	return s.gw.Do(ctx, gateway.Call{Principal: p, Method: rr.HTTPMethod, Path: path, Header: h, Body: body, RecurrentRequestID: rr.ID, Log: logRun}), nil
}

// LogRequestHeader set to "true" on a recurrent request logs each of its
// runs in the request logs of the user it runs as, even when that user's
// logging is off (S: the spec names it as request_headers' per-request
// opt-in).
const LogRequestHeader = "X-Unitysvc-Log-Request"
