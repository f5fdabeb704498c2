// Package localapi is unitysvc-local: a stateful local implementation of
// the UnitySVC customer API and its gateway for tests, demos and trying
// configurations without an account.
package localapi

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/api"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/catalog"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/files"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/gateway"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/scheduler"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/store"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/upstream"
)

// DefaultAPIKey is the key seeded when none is given.
const DefaultAPIKey = "svcpass_local_demo"

// DefaultCustomer is the customer of keys given without @customer.
const DefaultCustomer = "local"

// ParseAPIKey splits an API key spec, "KEY" or "KEY@customer", into the
// key and its customer (DefaultCustomer when none is named).
func ParseAPIKey(spec string) (key, customer string, err error) {
	key, customer = spec, DefaultCustomer
	if i := strings.LastIndex(spec, "@"); i >= 0 {
		key, customer = spec[:i], spec[i+1:]
	}
	switch {
	case strings.TrimSpace(key) == "" || strings.ContainsAny(key, " \t\r\n"):
		return "", "", fmt.Errorf("API key %q: want KEY or KEY@customer, where KEY is not empty and has no white space", spec)
	case strings.TrimSpace(customer) == "":
		return "", "", fmt.Errorf("API key %q: the customer after @ is empty; want KEY@customer, for example svcpass_alice@acme", spec)
	}
	return key, customer, nil
}

// Config configures a unitysvc-local instance.
type Config struct {
	// APIAddr and GatewayAddr are listen addresses; "127.0.0.1:0" picks a
	// free port.
	APIAddr, GatewayAddr string
	// DataDir holds the database and the secret key; ignored when
	// InMemory is set.
	DataDir  string
	InMemory bool
	// Catalog is the platform catalog; nil loads CatalogPath (or the
	// embedded default when that is empty too).
	Catalog     *catalog.Catalog
	CatalogPath string
	// APIKeys are the keys to accept, each "KEY" (a user of the default
	// customer, DefaultCustomer) or "KEY@customer" (a user of that
	// customer: customers see nothing of each other). Empty seeds
	// DefaultAPIKey.
	APIKeys []string
	// SecretKey is the 32-byte key for secret values at rest; nil reads
	// or creates DataDir/secret.key (or a random key when in memory).
	SecretKey []byte
	// EnrollmentActivationDelay is how long a new enrollment stays
	// pending before it becomes active (or incomplete); zero means 1s.
	EnrollmentActivationDelay time.Duration
	// WrapAPI, when set, wraps the API handler (tests use it to check
	// every exchange against the OpenAPI spec).
	WrapAPI func(http.Handler) http.Handler
	// Faults injects 429s and 5xx answers (off by default).
	Faults Faults
	// Crash ends the process for Faults.CrashAfterCreate; nil kills it
	// with SIGKILL, leaving no chance to answer or clean up.
	Crash func()
	// UpstreamAddr is where the built-in upstreams listen; empty picks a
	// free loopback port.
	UpstreamAddr string
	// SchedulerTick is how much real time one second of schedule time
	// takes (zero: 1s, real time); see scheduler.Options.Tick.
	SchedulerTick time.Duration
	// RequestLogRetention is how long request-log rows are kept: zero
	// means DefaultRequestLogRetention, negative keeps them at any age.
	RequestLogRetention time.Duration
	// RequestLogMaxRows caps the request-log rows kept (the oldest go
	// first): zero means DefaultRequestLogMaxRows, negative no cap.
	RequestLogMaxRows int
	Logger            *slog.Logger
}

// Request-log retention defaults, and how often rows are pruned.
const (
	DefaultRequestLogRetention = 7 * 24 * time.Hour
	DefaultRequestLogMaxRows   = 100000
	requestLogPruneEvery       = time.Minute
)

// Timeouts and limits of every listener (API, gateway, built-in
// upstreams). The gateway lifts the write timeout while it waits for
// upstreams (bounded by their own timeouts) and sets a deadline per
// write while it answers, so a long stream is never cut while it moves.
const (
	serverReadHeaderTimeout = 10 * time.Second
	serverReadTimeout       = 2 * time.Minute // a 32 MiB body on a slow link
	serverWriteTimeout      = 3 * time.Minute // past the gateway's 2 min upstream timeout, for trigger
	serverIdleTimeout       = 2 * time.Minute
	serverMaxHeaderBytes    = 64 << 10
)

// Instance is a running unitysvc-local.
type Instance struct {
	// APIURL is the control plane's base URL, ending in /v1.
	APIURL string
	// GatewayURL is the data plane's base URL.
	GatewayURL string
	// UpstreamURL is the base URL of the built-in upstreams (a service's
	// is UpstreamURL/<service-id>).
	UpstreamURL string
	// APIKeys are the seeded keys (without their @customer).
	APIKeys []string
	// DisabledKeys counts the keys stored by earlier starts that are not
	// among APIKeys: they are refused (401) and their users' recurrent
	// requests do not run.
	DisabledKeys int
	Store        *store.Store

	servers []*http.Server
	done    chan error
	faults  *faultInjector
	files   *files.Store
	// stopScheduler ends the scheduler's loop; schedulerDone closes when
	// its runs have finished.
	stopScheduler context.CancelFunc
	schedulerDone chan struct{}
	// stopMaintenance ends the request-log pruning loop; maintenanceDone
	// closes when it has.
	stopMaintenance context.CancelFunc
	maintenanceDone chan struct{}
}

// Start opens the store, seeds the keys and serves the API and gateway
// until ctx ends or Close is called.
func Start(ctx context.Context, cfg Config) (*Instance, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	cat := cfg.Catalog
	if cat == nil {
		var err error
		if cat, err = catalog.Load(cfg.CatalogPath); err != nil {
			return nil, err
		}
	}
	opts := store.Options{SecretKey: cfg.SecretKey}
	if !cfg.InMemory {
		if cfg.DataDir == "" {
			cfg.DataDir = ".unitysvc-local"
		}
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("creating data dir: %w", err)
		}
		opts.Path = filepath.Join(cfg.DataDir, "unitysvc-local.db")
		if opts.SecretKey == nil {
			key, err := loadOrCreateKey(filepath.Join(cfg.DataDir, "secret.key"))
			if err != nil {
				return nil, err
			}
			opts.SecretKey = key
		}
	}
	apiLn, err := net.Listen("tcp", cmp.Or(cfg.APIAddr, "127.0.0.1:8000"))
	if err != nil {
		return nil, fmt.Errorf("API listener: %w", err)
	}
	gwLn, err := net.Listen("tcp", cmp.Or(cfg.GatewayAddr, "127.0.0.1:8001"))
	if err != nil {
		apiLn.Close()
		return nil, fmt.Errorf("gateway listener: %w", err)
	}
	st, err := store.Open(ctx, opts)
	if err != nil {
		apiLn.Close()
		gwLn.Close()
		return nil, err
	}
	specs := cfg.APIKeys
	if len(specs) == 0 {
		specs = []string{DefaultAPIKey}
	}
	var keys []string
	for _, spec := range specs {
		key, customer, err := ParseAPIKey(spec)
		if err == nil {
			_, err = st.EnsureAPIKey(ctx, customer, key)
		}
		if err != nil {
			_ = st.Close()
			apiLn.Close()
			gwLn.Close()
			return nil, fmt.Errorf("seeding API key: %w", err)
		}
		keys = append(keys, key)
	}
	// The keys given are the whole list: any other key an earlier start
	// stored in the data dir stops working now.
	disabled, err := st.RetainAPIKeys(ctx, keys)
	if err != nil {
		_ = st.Close()
		apiLn.Close()
		gwLn.Close()
		return nil, fmt.Errorf("disabling API keys no longer given: %w", err)
	}
	// The built-in upstreams the gateway routes platform services to.
	upLn, err := net.Listen("tcp", cmp.Or(cfg.UpstreamAddr, "127.0.0.1:0"))
	if err != nil {
		_ = st.Close()
		apiLn.Close()
		gwLn.Close()
		return nil, fmt.Errorf("upstream listener: %w", err)
	}
	router, err := routing.New(st, cat, routing.NewLatency())
	if err != nil {
		_ = st.Close()
		apiLn.Close()
		gwLn.Close()
		upLn.Close()
		return nil, err
	}
	inst := &Instance{
		APIURL:       "http://" + apiLn.Addr().String() + "/v1",
		GatewayURL:   "http://" + gwLn.Addr().String(),
		UpstreamURL:  "http://" + upLn.Addr().String(),
		APIKeys:      keys,
		DisabledKeys: disabled,
		Store:        st,
		done:         make(chan error, 3),
	}
	builtin := upstream.NewBuiltin(cat)
	gw := gateway.New(gateway.Options{Store: st, Catalog: cat, Router: router, BuiltinURL: inst.UpstreamURL, Builtin: builtin, APIURL: inst.APIURL, Logger: log})
	sched := scheduler.New(scheduler.Options{Store: st, Gateway: gw, Tick: cfg.SchedulerTick, Logger: log})
	filesDir := "" // account files: under the data dir, or in memory
	if !cfg.InMemory {
		filesDir = filepath.Join(cfg.DataDir, "files")
	}
	if inst.files, err = files.New(filesDir); err != nil {
		apiLn.Close()
		gwLn.Close()
		upLn.Close()
		_ = st.Close()
		return nil, fmt.Errorf("account files: %w", err)
	}
	var apiHandler http.Handler = api.New(api.Options{Store: st, Catalog: cat, GatewayURL: inst.GatewayURL, Logger: log,
		EnrollmentActivationDelay: cfg.EnrollmentActivationDelay, Router: router, Scheduler: sched, Files: inst.files})
	if cfg.WrapAPI != nil {
		apiHandler = cfg.WrapAPI(apiHandler)
	}
	if cfg.Faults != (Faults{}) {
		inst.faults = &faultInjector{f: cfg.Faults, next: apiHandler, crash: cfg.Crash}
		if inst.faults.crash == nil {
			inst.faults.crash = killProcess
		}
		apiHandler = inst.faults
	}
	// Answers net/http makes itself (431, 400 for a malformed request) are
	// JSON too, like every other answer.
	inst.serve(gateway.JSONErrors(apiLn, false), logRequests(log, apiHandler))
	inst.serve(gateway.JSONErrors(gwLn, true), logRequests(log, gw))
	inst.serve(upLn, builtin)
	schedCtx, stop := context.WithCancel(context.Background())
	inst.stopScheduler, inst.schedulerDone = stop, make(chan struct{})
	go func() {
		defer close(inst.schedulerDone)
		sched.Run(schedCtx)
	}()
	mctx, stopM := context.WithCancel(context.Background())
	inst.stopMaintenance, inst.maintenanceDone = stopM, make(chan struct{})
	go func() {
		defer close(inst.maintenanceDone)
		maintainRequestLogs(mctx, st, cfg.RequestLogRetention, cfg.RequestLogMaxRows, log)
	}()
	go func() {
		<-ctx.Done()
		_ = inst.Close() // nobody waits for it: the caller cancelled ctx
	}()
	return inst, nil
}

func (i *Instance) serve(ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: serverReadHeaderTimeout, ReadTimeout: serverReadTimeout,
		WriteTimeout: serverWriteTimeout, IdleTimeout: serverIdleTimeout, MaxHeaderBytes: serverMaxHeaderBytes}
	i.servers = append(i.servers, srv)
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		i.done <- err
	}()
}

// Close stops serving and scheduling, and closes the store. It is safe
// to call twice.
func (i *Instance) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range i.servers {
		_ = s.Shutdown(ctx)
	}
	i.stopScheduler()
	<-i.schedulerDone
	i.stopMaintenance()
	<-i.maintenanceDone
	_ = i.files.Close()
	return i.Store.Close()
}

// maintainRequestLogs prunes request-log rows past the retention and the
// row cap, now and every requestLogPruneEvery, and reports at debug level
// (--verbose) rows dropped because the write queue was full.
func maintainRequestLogs(ctx context.Context, st *store.Store, retention time.Duration, maxRows int, log *slog.Logger) {
	if retention == 0 {
		retention = DefaultRequestLogRetention
	}
	if maxRows == 0 {
		maxRows = DefaultRequestLogMaxRows
	}
	prune := func() {
		var before time.Time
		if retention > 0 {
			before = st.Now().Add(-retention)
		}
		n, err := st.PruneRequestLogs(ctx, before, maxRows)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("pruning request logs", "error", err)
		case n > 0:
			log.Debug("request logs pruned", "rows", n, "retention", retention, "max_rows", maxRows)
		}
	}
	prune()
	pruneTick := time.NewTicker(requestLogPruneEvery)
	defer pruneTick.Stop()
	dropTick := time.NewTicker(time.Second)
	defer dropTick.Stop()
	var reported store.RequestLogStats
	for {
		select {
		case <-ctx.Done():
			return
		case <-pruneTick.C:
			prune()
		case <-dropTick.C:
			if s := st.RequestLogStats(); s != reported {
				log.Debug("request-log rows lost", "dropped_queue_full", s.Dropped, "failed_to_write", s.Failed)
				reported = s
			}
		}
	}
}

// logRequests logs one debug line per request (method, path, status,
// duration); never headers or bodies, which carry keys and secrets.
func logRequests(log *slog.Logger, h http.Handler) http.Handler {
	if !log.Enabled(context.Background(), slog.LevelDebug) {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", sw.status, "duration", time.Since(start))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's Flush, so a
// logged gateway stream is still flushed as it arrives.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// loadOrCreateKey reads a base64 AES-256 key, creating it when absent.
func loadOrCreateKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) != 32 {
			return nil, fmt.Errorf("%s: want 32 bytes, base64-encoded", path)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("writing secret key: %w", err)
	}
	return key, nil
}

// ParseSecretKey decodes a --secret-key value (base64 of 32 bytes).
func ParseSecretKey(s string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) != 32 {
		return nil, errors.New("--secret-key (or UNITYSVC_LOCAL_SECRET_KEY) must be 32 random bytes, base64-encoded (for example: openssl rand -base64 32)")
	}
	return key, nil
}
