package gateway

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
)

// Limits of the work one incoming request may cause (api-semantics.md,
// "Limits and loops").
const (
	// maxDepth bounds nesting through aliases, chains, broadcasts and
	// gateway-to-gateway hops.
	maxDepth = 8
	// maxAttempts bounds the attempts of one incoming request in all: its
	// upstream calls and the refusals that end a branch (one request-log
	// row each), including those made by gateways it reaches over HTTP.
	maxAttempts = 64
	// maxHeld is the largest upstream body the gateway holds in memory:
	// a step's answer it relays, a broadcast's results, a scheduled or
	// triggered run's answer. Past it, 502.
	maxHeld = 32 << 20
)

// HopHeader carries an incoming request's budget between gateways:
// "depth=D; attempts=N", the nesting reached and the attempts used so
// far. The gateway sends it on every upstream call except to its
// built-in upstreams (an upstream cannot be told apart from another
// gateway, e.g. a BYOK endpoint pointing back at this one), honours it
// on requests it receives, and answers it, with the attempts used by
// then, to a caller that sent it. A client may send it too: it can only
// lower its own budget.
const HopHeader = "X-Unitysvc-Hops"

// budget is the attempts an incoming request may still make. A broadcast
// gives each target an equal share of what is left, so targets running
// in parallel (here or in another gateway) cannot together overspend;
// chain steps run one after another and share their chain's budget.
// Every share of one request locks the same mutex.
type budget struct {
	mu     *sync.Mutex
	parent *budget
	limit  int // attempts this share may use
	used   int
}

func newBudget(used int) *budget {
	return &budget{mu: new(sync.Mutex), limit: maxAttempts, used: min(max(used, 0), maxAttempts)}
}

// left is what the share may still use.
func (b *budget) left() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.leftLocked()
}

func (b *budget) leftLocked() int {
	n := b.limit - b.used
	for p := b.parent; p != nil; p = p.parent {
		n = min(n, p.limit-p.used)
	}
	return max(n, 0)
}

// take uses one attempt; false when none is left.
func (b *budget) take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.leftLocked() < 1 {
		return false
	}
	b.addLocked(1)
	return true
}

// charge records n attempts made elsewhere (another gateway's), even past
// the limit.
func (b *budget) charge(n int) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.addLocked(n)
}

func (b *budget) addLocked(n int) {
	for s := b; s != nil; s = s.parent {
		s.used += n
	}
}

// shares splits what is left equally among k parallel branches; nil when
// there is not one attempt for each.
func (b *budget) shares(k int) []*budget {
	b.mu.Lock()
	defer b.mu.Unlock()
	each := b.leftLocked() / max(k, 1)
	if each < 1 {
		return nil
	}
	out := make([]*budget, k)
	for i := range out {
		out[i] = &budget{mu: b.mu, parent: b, limit: each}
	}
	return out
}

// spent is the attempts used as another gateway counts them: all but
// what this share may still use.
func (b *budget) spent() int { return maxAttempts - b.left() }

// root is the budget of the whole incoming request.
func (b *budget) root() *budget {
	for b.parent != nil {
		b = b.parent
	}
	return b
}

// hopValue formats the hop header.
func hopValue(depth, attempts int) string {
	return "depth=" + strconv.Itoa(depth) + "; attempts=" + strconv.Itoa(attempts)
}

// parseHops reads a hop header; absent or unreadable fields are zero,
// negative ones count as zero.
func parseHops(v string) (depth, attempts int) {
	for part := range strings.SplitSeq(v, ";") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 0 {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "depth":
			depth = min(n, maxDepth+1)
		case "attempts":
			attempts = min(n, maxAttempts)
		}
	}
	return depth, attempts
}

// hopsFrom applies an incoming request's hop header to its budget.
func (req *request) hopsFrom(h http.Header) {
	v := h.Get(HopHeader)
	if v == "" {
		return
	}
	depth, attempts := parseHops(v)
	req.depth, req.budget, req.hopped = depth, newBudget(attempts), true
}

// loopDetected answers 508 naming the path the request took.
func loopDetected(format string, args ...any) *gwError {
	return noRoute(http.StatusLoopDetected, format, args...)
}

// trailText is the path a request took through aliases, chains and
// broadcasts, ending at next.
func trailText(trail []string, next string) string {
	return strings.Join(append(slices.Clip(trail), next), " → ")
}

// enter checks the budget before the request goes on to path: past the
// depth, back at an alias, chain or broadcast it already went through,
// or with no attempt left, it is refused with 508 naming the path. It
// records path in the request's trail.
func (g *Gateway) enter(ctx context.Context, req *request, path string) *result {
	node := path
	if rt, ok := routing.ParsePath(path); ok {
		node = rt.Prefix + "/" + rt.Name
		if rt.Prefix == "a" || rt.Prefix == "b" || rt.Prefix == "c" {
			if slices.Contains(req.trail, node) {
				return g.refuse(ctx, req, path, loopDetected("loop: '%s' is reached again through %s: an alias, chain or broadcast must not lead back to itself; check their target paths for a loop",
					node, trailText(req.trail, node)))
			}
		}
	}
	switch {
	case req.depth > maxDepth:
		via := ""
		if req.hopped {
			via = " (counting the gateways it came through)"
		}
		return g.refuse(ctx, req, path, loopDetected("'%s' is reached through more than %d aliases, chains, broadcasts or gateways%s: %s; check their target paths for a loop",
			path, maxDepth, via, trailText(req.trail, node)))
	case req.budget.left() < 1:
		return g.refuse(ctx, req, path, loopDetected("'%s' is not attempted: the request has used its %d attempts (upstream calls and refusals, through every alias, chain, broadcast and gateway) on the way to %s",
			path, maxAttempts, trailText(req.trail, node)))
	}
	req.trail = append(slices.Clip(req.trail), node)
	return nil
}

// outOfAttempts is the refusal of an upstream call the budget has no
// attempt left for.
func outOfAttempts(req *request, path string) *gwError {
	return loopDetected("'%s' is not attempted: the request has used its %d attempts (upstream calls and refusals, through every alias, chain, broadcast and gateway) on the way to %s",
		path, maxAttempts, strings.Join(req.trail, " → "))
}

// isBuiltin reports whether base is one of the built-in upstreams, which
// are not gateways and get no hop header.
func (g *Gateway) isBuiltin(base string) bool {
	return g.builtin != "" && strings.HasPrefix(base, strings.TrimRight(g.builtin, "/")+"/")
}
