package routing

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Strategy names (the routing_policy "strategy" of platform groups and
// the strategy override of POST /resolve).
const (
	WeightedRandom = "weighted_random"
	ByPrice        = "by_price"
	LowestLatency  = "lowest_latency"
	ByContent      = "by_content"
)

// Strategies lists every strategy, the baseline first.
var Strategies = []string{WeightedRandom, ByPrice, LowestLatency, ByContent}

// Threshold parameters a routing policy may give (seed 003's thresholds).
const (
	MaxPrice     = "max_price"
	MaxLatencyMS = "max_latency_ms"
)

// DefaultWeight is every candidate's weight.
const DefaultWeight = 10

// Strategy is the effective strategy of a plan.
type Strategy struct {
	Name string
	// Parameters are the policy's thresholds.
	Parameters map[string]float64
	// Explicit is false for the implicit baseline (no routing policy and
	// no override), which resolve reports as null.
	Explicit bool
}

// ContentDependent reports whether the pick depends on the request body.
func (s Strategy) ContentDependent() bool { return s.Name == ByContent }

// validStrategy explains why name is not a strategy, or returns "".
func validStrategy(name string) string {
	if slices.Contains(Strategies, name) {
		return ""
	}
	return fmt.Sprintf("unknown routing strategy %q: use one of %s", name, strings.Join(Strategies, ", "))
}

// validParameters explains why params are not thresholds, or returns "".
func validParameters(params map[string]float64) string {
	for k, v := range params {
		if k != MaxPrice && k != MaxLatencyMS {
			return fmt.Sprintf("unknown routing parameter %q: use %s or %s", k, MaxPrice, MaxLatencyMS)
		}
		if v < 0 {
			return fmt.Sprintf("routing parameter %s must not be negative", k)
		}
	}
	return ""
}

// Latency keeps the moving average of the upstream latency the gateway
// observes per service (time to the upstream's response headers). It is
// safe for concurrent use.
type Latency struct {
	mu  sync.RWMutex
	avg map[string]float64 // milliseconds
}

// latencyWeight is how much a new observation moves the average: recent
// behaviour dominates, so routing follows what is fastest right now.
const latencyWeight = 0.3

// NewLatency returns an empty tracker.
func NewLatency() *Latency { return &Latency{avg: map[string]float64{}} }

// Observe records one observation for a service.
func (l *Latency) Observe(serviceID string, d time.Duration) {
	ms := float64(d) / float64(time.Millisecond)
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.avg[serviceID]; ok {
		ms = old + latencyWeight*(ms-old)
	}
	l.avg[serviceID] = ms
}

// Average returns a service's moving average in milliseconds, and
// whether it has been measured.
func (l *Latency) Average(serviceID string) (float64, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	v, ok := l.avg[serviceID]
	return v, ok
}

// rank orders candidates by the strategy: cheapest first (unpriced
// last) for by_price, lowest measured latency first (unmeasured last) for
// lowest_latency; the others keep member order.
func rank(name string, cs []Candidate, lat *Latency) {
	switch name {
	case ByPrice:
		sort.SliceStable(cs, func(i, j int) bool {
			pi, oki := cs[i].Service.SummaryPrice()
			pj, okj := cs[j].Service.SummaryPrice()
			if oki != okj {
				return oki
			}
			return pi < pj
		})
	case LowestLatency:
		sort.SliceStable(cs, func(i, j int) bool {
			li, oki := lat.Average(cs[i].Service.ID)
			lj, okj := lat.Average(cs[j].Service.ID)
			if oki != okj {
				return oki
			}
			return li < lj
		})
	}
}

// threshold explains why a candidate exceeds the strategy's thresholds,
// or returns "". A service without a list price or without measurements
// cannot be judged and passes.
func threshold(params map[string]float64, c Candidate, lat *Latency) string {
	if max, ok := params[MaxPrice]; ok {
		if p, priced := c.Service.SummaryPrice(); priced && p > max {
			return fmt.Sprintf("summary price %s > %s %s", num(p), MaxPrice, num(max))
		}
	}
	if max, ok := params[MaxLatencyMS]; ok {
		if l, measured := lat.Average(c.Service.ID); measured && l > max {
			return fmt.Sprintf("measured latency %s ms > %s %s", num(l), MaxLatencyMS, num(max))
		}
	}
	return ""
}

func num(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", f), "0"), ".")
}

// contentKey is the part of a request body by_content routes on: the
// conversation (messages), the input (embeddings), else the whole body.
func contentKey(body []byte) []byte {
	var req struct {
		Messages json.RawMessage `json:"messages"`
		Input    json.RawMessage `json:"input"`
		Prompt   json.RawMessage `json:"prompt"`
	}
	if json.Unmarshal(body, &req) == nil {
		for _, part := range []json.RawMessage{req.Messages, req.Input, req.Prompt} {
			if len(part) > 0 {
				return part
			}
		}
	}
	return body
}

// pick chooses the candidate a dispatch uses.
func pick(s Strategy, cs []Candidate, body []byte) *Candidate {
	switch {
	case len(cs) == 0:
		return nil
	case len(cs) == 1 || s.Name == ByPrice || s.Name == LowestLatency:
		return &cs[0]
	case s.Name == ByContent:
		h := fnv.New64a()
		h.Write(contentKey(body))
		return &cs[h.Sum64()%uint64(len(cs))]
	}
	total := 0
	for _, c := range cs {
		total += c.Weight
	}
	n := rand.IntN(total)
	for i := range cs {
		if n < cs[i].Weight {
			return &cs[i]
		}
		n -= cs[i].Weight
	}
	return &cs[len(cs)-1]
}
