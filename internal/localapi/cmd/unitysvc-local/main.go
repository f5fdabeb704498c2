// Command unitysvc-local runs a local, stateful UnitySVC customer API and
// gateway for trying configurations and running tests without an account.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/cpuprofile"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi"
)

// secretKeyEnv names the environment variable that may hold the secret
// key instead of --secret-key.
const secretKeyEnv = "UNITYSVC_LOCAL_SECRET_KEY"

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "unitysvc-local:", err)
		os.Exit(1)
	}
}

// The collector's defaults for unitysvc-local: a request through the
// gateway allocates a few KB that are garbage at once, and at 100 %
// (Go's default) the collector ran every few hundred requests, a tenth of
// the gateway's CPU under load. At 400 % it runs a quarter as often; the
// soft limit makes it run sooner again past 512 MiB, so that the 32 MiB
// bodies the gateway may hold do not become gigabytes. GOGC and
// GOMEMLIMIT, when set, are used as given.
const (
	gcPercent   = 400
	memoryLimit = 512 << 20
)

func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

func run() error {
	var cfg localapi.Config
	var keys multiFlag
	var secretKey string
	var verbose bool
	var cpuProfile string
	flag.StringVar(&cfg.APIAddr, "api-addr", "127.0.0.1:8000", "listen address of the customer API")
	flag.StringVar(&cfg.GatewayAddr, "gateway-addr", "127.0.0.1:8001", "listen address of the gateway")
	flag.StringVar(&cfg.UpstreamAddr, "upstream-addr", "127.0.0.1:0", "listen address of the built-in upstreams (default: a free loopback port)")
	flag.StringVar(&cfg.DataDir, "data-dir", ".unitysvc-local", "directory for the SQLite database and the secret key")
	flag.BoolVar(&cfg.InMemory, "in-memory", false, "keep all state in memory (nothing is written to disk)")
	flag.StringVar(&cfg.CatalogPath, "catalog", "", "platform catalog JSON file (default: the embedded catalog)")
	flag.Var(&keys, "api-key", "an API key to accept, KEY or KEY@customer (repeatable; the whole list: keys an earlier start stored in the data dir and not given now are refused; keys of one customer are users of one team, customers see nothing of each other; default "+localapi.DefaultAPIKey+")")
	flag.StringVar(&secretKey, "secret-key", "", "base64 of the 32-byte key encrypting secrets at rest (default: $"+secretKeyEnv+", else generated into the data dir)")
	flag.BoolVar(&verbose, "verbose", false, "log every request")
	flag.IntVar(&cfg.Faults.RateLimitEvery, "fault-429-every", 0, "answer every Nth API request with 429 and Retry-After: 0, unprocessed (0: never)")
	flag.IntVar(&cfg.Faults.ErrorAfterEvery, "fault-503-every", 0, "process every Nth GET/PUT/PATCH/DELETE, then answer 503 (0: never)")
	flag.IntVar(&cfg.Faults.LoseCreateEvery, "fault-lose-create-every", 0, "process every Nth create (a POST that makes an object), then answer 503: a client must not retry it (0: never)")
	flag.IntVar(&cfg.Faults.CrashAfterCreate, "fault-crash-after-create", 0, "process the Nth create, then die with SIGKILL before answering, as a crash right after a commit (0: never)")
	flag.DurationVar(&cfg.RequestLogRetention, "request-log-retention", localapi.DefaultRequestLogRetention, "how long request-log rows are kept (0: at any age)")
	flag.IntVar(&cfg.RequestLogMaxRows, "request-log-max-rows", localapi.DefaultRequestLogMaxRows, "the most request-log rows kept, the oldest deleted first (0: no cap)")
	flag.DurationVar(&cfg.SchedulerTick, "scheduler-tick", time.Second, "real time one second of schedule time takes: 1s runs recurrent requests in real time, 10ms runs them 100 times faster")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a pprof CPU profile of the whole run to this file (for make bench)")
	flag.Parse()
	if cpuProfile != "" {
		stop, err := cpuprofile.Start(cpuProfile)
		if err != nil {
			return err
		}
		defer func() { _ = stop() }()
	}
	tuneGC(os.Getenv)
	cfg.APIKeys = keys
	// On the command line 0 means "no limit"; in Config it means the default.
	if cfg.RequestLogRetention == 0 {
		cfg.RequestLogRetention = -1
	}
	if cfg.RequestLogMaxRows == 0 {
		cfg.RequestLogMaxRows = -1
	}
	if secretKey == "" {
		// From the environment, so the key is not visible in ps.
		secretKey = os.Getenv(secretKeyEnv)
	}
	if secretKey != "" {
		key, err := localapi.ParseSecretKey(secretKey)
		if err != nil {
			return err
		}
		cfg.SecretKey = key
	}
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	inst, err := localapi.Start(ctx, cfg)
	if err != nil {
		return err
	}
	shown := inst.APIKeys
	if len(keys) > 0 {
		shown = keys // as given, with their @customer
	}
	fmt.Printf("unitysvc-local is running\n  API:       %s\n  gateway:   %s\n  upstreams: %s/<service-id>/v1/... (the built-in services, called directly)\n  API key:   %s\n",
		inst.APIURL, inst.GatewayURL, inst.UpstreamURL, strings.Join(shown, ", "))
	if inst.DisabledKeys > 0 {
		fmt.Printf("  disabled:  %d API key(s) stored by an earlier start and not given now with --api-key: refused with 401, and their recurrent requests do not run\n", inst.DisabledKeys)
	}
	fmt.Printf("Use it with:\n  export UNITYSVC_API_URL=%s UNITYSVC_API_BASE_URL=%s UNITYSVC_API_KEY=%s\n", inst.APIURL, inst.GatewayURL, inst.APIKeys[0])
	<-ctx.Done()
	fmt.Println("unitysvc-local: shutting down")
	err = inst.Close()
	if s := inst.Store.RequestLogStats(); s.Dropped > 0 || s.Failed > 0 || verbose {
		fmt.Printf("unitysvc-local: request-log rows dropped because the write queue was full: %d; rows that could not be written: %d\n", s.Dropped, s.Failed)
	}
	return err
}
