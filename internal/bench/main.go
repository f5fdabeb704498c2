// Command bench measures, side by side in one run, the provider's CPU per
// resource (an older build against this one, each driven by OpenTofu
// through TF_REATTACH_PROVIDERS against one unitysvc-local) and the
// gateway's BYOK HTTP hop against a direct call to the same loopback
// upstream, with load generated from this process. `make bench` builds
// the binaries and runs it; see the README's Performance section.
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"time"
)

type options struct {
	local, tofu          string
	oldProvider, newProv string
	oldLabel             string
	dir                  string
	resources, reps      int
	clients, rounds      int
	roundTime            time.Duration
	latencyN             int
	skipProvider         bool
	skipGateway          bool
	cpuProfile           string
	gatewayProfile       string
}

func main() {
	var o options
	flag.StringVar(&o.local, "local", "", "unitysvc-local binary")
	flag.StringVar(&o.tofu, "tofu", "", "OpenTofu binary")
	flag.StringVar(&o.oldProvider, "old-provider", "", "provider binary to compare against (built from an older commit)")
	flag.StringVar(&o.oldLabel, "old-label", "old", "what the old provider was built from, for the table")
	flag.StringVar(&o.newProv, "new-provider", "", "provider binary under test")
	flag.StringVar(&o.dir, "dir", "", "scratch directory (default: a new temporary one)")
	flag.IntVar(&o.resources, "resources", 200, "unitysvc_secret resources per configuration")
	flag.IntVar(&o.reps, "reps", 3, "runs of each provider, alternating; the table shows each figure's median")
	flag.IntVar(&o.clients, "clients", 32, "concurrent clients of the throughput test")
	flag.IntVar(&o.rounds, "rounds", 8, "throughput rounds per side, alternating")
	flag.DurationVar(&o.roundTime, "round", time.Second, "duration of one throughput round")
	flag.IntVar(&o.latencyN, "latency-requests", 2000, "requests per side of the latency tests")
	flag.BoolVar(&o.skipProvider, "skip-provider", false, "measure only the gateway")
	flag.BoolVar(&o.skipGateway, "skip-gateway", false, "measure only the provider")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write the new provider's pprof CPU profile (of all three commands) to this file")
	flag.StringVar(&o.gatewayProfile, "gateway-cpuprofile", "", "write the pprof CPU profile of the unitysvc-local under test (the gateway's side) to this file")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	if o.local == "" {
		return fmt.Errorf("-local is required")
	}
	if o.dir == "" {
		d, err := os.MkdirTemp("", "unitysvc-bench-")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(d) }()
		o.dir = d
	}
	var prov []providerFigures
	if !o.skipProvider {
		if o.tofu == "" || o.oldProvider == "" || o.newProv == "" {
			return fmt.Errorf("-tofu, -old-provider and -new-provider are required (or -skip-provider)")
		}
		var profile []string
		if o.cpuProfile != "" {
			profile = []string{"-cpuprofile", o.cpuProfile}
		}
		sides := []struct {
			label, bin string
			args       []string
		}{{o.oldLabel, o.oldProvider, nil}, {"this build", o.newProv, profile}}
		runs := make([][]providerFigures, len(sides))
		for rep := range max(o.reps, 1) {
			for i, p := range sides {
				args := p.args
				if rep > 0 {
					args = nil // one profile, of the first run
				}
				f, err := benchProvider(o, p.label, p.bin, args...)
				if err != nil {
					return fmt.Errorf("provider %s: %w", p.label, err)
				}
				runs[i] = append(runs[i], *f)
			}
		}
		for i, p := range sides {
			prov = append(prov, medianFigures(p.label, runs[i]))
		}
	}
	var gw *gatewayFigures
	if !o.skipGateway {
		var err error
		if gw, err = benchGateway(o); err != nil {
			return fmt.Errorf("gateway: %w", err)
		}
	}
	report(o, prov, gw)
	return nil
}

// medianFigures is each figure's median over runs.
func medianFigures(label string, runs []providerFigures) providerFigures {
	med := func(get func(f providerFigures) time.Duration) time.Duration {
		d := make([]time.Duration, len(runs))
		for i, f := range runs {
			d[i] = get(f)
		}
		slices.Sort(d)
		return d[len(d)/2]
	}
	return providerFigures{
		label:      label,
		apply:      med(func(f providerFigures) time.Duration { return f.apply }),
		plan:       med(func(f providerFigures) time.Duration { return f.plan }),
		destroy:    med(func(f providerFigures) time.Duration { return f.destroy }),
		applyCalls: runs[0].applyCalls, planCalls: runs[0].planCalls, destCalls: runs[0].destCalls,
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func report(o options, prov []providerFigures, gw *gatewayFigures) {
	if len(prov) == 2 {
		old, cur := prov[0], prov[1]
		fmt.Printf("\nProvider CPU (its own process, from /proc), %d unitysvc_secret, OpenTofu through TF_REATTACH_PROVIDERS, median of %d runs each:\n\n", o.resources, max(o.reps, 1))
		fmt.Printf("| per resource | %s | this build | ratio |\n|---|---|---|---|\n", old.label)
		row := func(what string, a, b time.Duration) {
			fmt.Printf("| %s | %s | %s | %.2f× |\n", what, ms(a), ms(b), float64(b)/float64(a))
		}
		n := time.Duration(o.resources)
		row("apply (create)", old.apply/n, cur.apply/n)
		row("plan (refresh)", old.plan/n, cur.plan/n)
		row("destroy", old.destroy/n, cur.destroy/n)
		fmt.Printf("| API calls per refreshed resource | %.2f | %.2f | |\n", float64(old.planCalls)/float64(o.resources), float64(cur.planCalls)/float64(o.resources))
		fmt.Printf("| API calls per created resource | %.2f | %.2f | |\n", float64(old.applyCalls)/float64(o.resources), float64(cur.applyCalls)/float64(o.resources))
	}
	if gw != nil {
		fmt.Printf("\nGateway, BYOK /e/<code> (an HTTP hop) against the same loopback upstream called directly, load from a separate process:\n\n")
		fmt.Printf("| figure | direct | through the gateway | |\n|---|---|---|---|\n")
		fmt.Printf("| requests/s, %d concurrent clients | %.0f | %.0f | %.2f× direct |\n", o.clients, gw.directRate, gw.gatewayRate, gw.gatewayRate/gw.directRate)
		fmt.Printf("| requests/s, %d clients, request logging on | %.0f | %.0f | %.2f× direct |\n", o.clients, gw.directRateLog, gw.gatewayRateLog, gw.gatewayRateLog/gw.directRateLog)
		fmt.Printf("| latency p50, one client | %s | %s | +%s |\n", ms(gw.directP50), ms(gw.directP50+gw.addedP50), ms(gw.addedP50))
		fmt.Printf("| first SSE byte p50, one client | %s | %s | +%s |\n", ms(gw.directFirstByte), ms(gw.directFirstByte+gw.addedFirstByte), ms(gw.addedFirstByte))
	}
}
