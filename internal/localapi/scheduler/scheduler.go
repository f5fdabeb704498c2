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
	Now    func() time.Time
	Logger *slog.Logger
}

// Scheduler runs active recurrent requests when they are due.
type Scheduler struct {
	store *store.Store
	gw    Dispatcher
	tick  time.Duration
	now   func() time.Time
	epoch time.Time // where schedule time and real time agree
	log   *slog.Logger
	// running counts runs in flight, so Close can wait for them.
	running sync.WaitGroup
}

// New returns a scheduler; Run starts its loop.
func New(opts Options) *Scheduler {
	s := &Scheduler{store: opts.Store, gw: opts.Gateway, tick: opts.Tick, now: opts.Now, log: opts.Logger}
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
// schedule's next time after now, with no catch-up.
func (s *Scheduler) RunDue(ctx context.Context) error {
	now := s.Now()
	due, err := s.store.DueRecurrentRequests(ctx, Format(now))
	if err != nil {
		return err
	}
	for _, rr := range due {
		claimed := *rr
		s.Plan(&claimed) // the next time after now
		ok, err := s.store.ClaimRecurrentRun(ctx, rr.ID, rr.NextRunAt, claimed.NextRunAt)
		if err != nil {
			return err
		}
		if !ok || rr.NextRunAt == nil {
			continue // changed meanwhile, or only just planned (stored before runs were scheduled)
		}
		s.running.Add(1)
		go func() {
			defer s.running.Done()
			s.run(ctx, rr)
		}()
	}
	return nil
}

// Trigger runs the request now, counts the run and returns the answer;
// its next scheduled run stays as it was.
func (s *Scheduler) Trigger(ctx context.Context, rr *store.RecurrentRequest) gateway.Response {
	return s.run(ctx, rr)
}

// run dispatches the request with its owner's identity and records the
// run in its state.
func (s *Scheduler) run(ctx context.Context, rr *store.RecurrentRequest) gateway.Response {
	at := Format(s.Now())
	resp, err := s.dispatch(ctx, rr)
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
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := s.store.RecordRecurrentRun(rctx, rr.ID, at, status, runErr); err != nil {
		s.log.Error("scheduler: recording a run", "id", rr.ID, "error", err)
	}
	return resp
}

// dispatch builds the request's call: its path (made gateway-relative:
// a path that is no gateway route is taken relative to the request's
// enrollment, else its service), method, headers and body.
func (s *Scheduler) dispatch(ctx context.Context, rr *store.RecurrentRequest) (gateway.Response, error) {
	if rr.CreatedBy == nil {
		return gateway.Response{}, errors.New("the recurrent request has no owner to run as")
	}
	p := store.Principal{UserID: *rr.CreatedBy, CustomerID: rr.CustomerID}
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
		if err := json.Unmarshal([]byte(*rr.RequestHeaders), &m); err == nil {
			for k, v := range m {
				h.Set(k, v)
			}
		}
	}
	var body []byte
	if rr.BodyTemplate != nil {
		body = []byte(*rr.BodyTemplate)
		if h.Get("Content-Type") == "" {
			h.Set("Content-Type", "application/json")
		}
	}
	return s.gw.Do(ctx, gateway.Call{Principal: p, Method: rr.HTTPMethod, Path: path, Header: h, Body: body, RecurrentRequestID: rr.ID}), nil
}
