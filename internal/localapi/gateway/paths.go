package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/localapi/routing"
)

// call is one level of a gateway path as written: its wrapper
// primitives and their "_" parameters, the routed path behind them and
// the query the upstream receives.
type call struct {
	// wrappers are the wrapper letters in front of the route, as written.
	wrappers string
	complete bool          // l/ ?_complete: full bodies in the request log
	ttl      time.Duration // m/ ?_ttl
	renew    bool          // m/ ?_renew
	elsePath string        // f/ ?_else
	toPath   string        // t/ ?_to
	// route is the routed path (g/<name>/<sub-path>), escaped as written,
	// without wrappers, query or leading slash.
	route string
	// query is what the upstream receives of the query: every parameter
	// not starting with "_", as written.
	query string
}

func (c *call) has(w byte) bool { return strings.IndexByte(c.wrappers, w) >= 0 }

// inner is the call without its wrappers: the routed path and the query.
func (c *call) inner() string {
	if c.query == "" {
		return c.route
	}
	return c.route + "?" + c.query
}

// Memoize TTLs.
const (
	defaultTTL = time.Hour
	maxTTL     = 7 * 24 * time.Hour
)

// wrapperParams maps each wrapper parameter to its wrapper.
var wrapperParams = map[string]byte{"_complete": 'l', "_ttl": 'm', "_renew": 'm', "_else": 'f', "_to": 't'}

var wrapperNames = map[byte]string{'l': "log", 'm': "memoize", 'f': "failover", 't': "tee"}

// parseCall reads a gateway-relative path with its query. It refuses a
// path that would change which upstream URL is called, a repeated
// wrapper, and wrapper parameters that are unknown, repeated, malformed
// or without their wrapper. Whether the route exists is not its
// concern.
func parseCall(path string) (*call, *gwError) {
	p, rawQuery := routing.SplitQuery(path)
	if e := checkPath(p); e != nil {
		return nil, e
	}
	c := &call{}
	c.wrappers, c.route = routing.SplitWrappers(p)
	for i := range len(c.wrappers) {
		if strings.IndexByte(c.wrappers[:i], c.wrappers[i]) >= 0 {
			return nil, badRequest(http.StatusBadRequest, "the wrapper %c/ appears twice in '%s': each of l/, m/, f/ and t/ may appear once", c.wrappers[i], p)
		}
	}
	if first, _, _ := strings.Cut(c.route, "/"); len(first) == 1 && strings.ContainsAny(first, routing.Reserved) {
		return nil, noRoute(http.StatusNotFound, "%s", reservedPrefix(first))
	}
	params, query, e := splitParams(rawQuery)
	if e != nil {
		return nil, e
	}
	c.query = query
	for name, v := range params {
		w, known := wrapperParams[name]
		switch {
		case !known:
			return nil, badRequest(http.StatusBadRequest, "unknown wrapper parameter '%s': the gateway reads _complete (l/), _ttl and _renew (m/), _else (f/) and _to (t/), and passes every parameter not starting with '_' upstream", name)
		case !c.has(w):
			return nil, badRequest(http.StatusBadRequest, "'%s' is a parameter of the %s wrapper: put %c/ in front of the path to use it", name, wrapperNames[w], w)
		}
		switch name {
		case "_complete":
			c.complete = flag(v)
		case "_renew":
			c.renew = flag(v)
		case "_ttl":
			ttl, e := parseTTL(v)
			if e != nil {
				return nil, e
			}
			c.ttl = ttl
		case "_else", "_to":
			if e := checkSecondary(name, v); e != nil {
				return nil, e
			}
			if name == "_else" {
				c.elsePath = v
			} else {
				c.toPath = v
			}
		}
	}
	if c.has('m') && c.ttl == 0 {
		c.ttl = defaultTTL
	}
	if c.has('f') && c.elsePath == "" {
		return nil, badRequest(http.StatusBadRequest, "the failover wrapper f/ needs ?_else=<gateway path> naming the secondary, e.g. f/p/<id>?_else=g/backup")
	}
	if c.has('t') && c.toPath == "" {
		return nil, badRequest(http.StatusBadRequest, "the tee wrapper t/ needs ?_to=<gateway path> naming where the copy goes, e.g. t/p/<id>?_to=g/audit")
	}
	return c, nil
}

// reservedPrefix explains a reserved prefix (d/, r/).
func reservedPrefix(p string) string {
	return fmt.Sprintf("the gateway prefix /%s/ is reserved but not served by unitysvc-local, which serves %s, with the wrappers l/, m/, f/ and t/ in front", p, routes)
}

// splitParams separates the "_" parameters of a raw query (decoded) from
// the rest (kept as written). "?_" also separates parameters: the SDK
// builds "l/m/p/x?_ttl=1h?_complete=" when it wraps a wrapped path.
func splitParams(rawQuery string) (map[string]string, string, *gwError) {
	params := map[string]string{}
	var rest []string
	for _, part := range strings.Split(rawQuery, "&") {
		pieces := strings.Split(part, "?_")
		for i := 1; i < len(pieces); i++ {
			pieces[i] = "_" + pieces[i]
		}
		for _, piece := range pieces {
			if piece == "" {
				continue
			}
			rawName, rawValue, _ := strings.Cut(piece, "=")
			name, err := url.QueryUnescape(rawName)
			if err != nil || !strings.HasPrefix(name, "_") {
				rest = append(rest, piece)
				continue
			}
			value, err := url.QueryUnescape(rawValue)
			if err != nil {
				return nil, "", badRequest(http.StatusBadRequest, "the value of wrapper parameter '%s' is not valid percent-encoding: %v", name, err)
			}
			if _, dup := params[name]; dup {
				return nil, "", badRequest(http.StatusBadRequest, "the wrapper parameter '%s' is given twice", name)
			}
			params[name] = value
		}
	}
	return params, strings.Join(rest, "&"), nil
}

// flag reads a presence-only parameter (?_renew, ?_renew=, ?_renew=true).
func flag(v string) bool {
	return v != "false" && v != "0"
}

var ttlRE = regexp.MustCompile(`^([0-9]{1,9})([smhd])$`)

// parseTTL reads _ttl: a positive whole number of s, m, h or d, at most 7d.
func parseTTL(v string) (time.Duration, *gwError) {
	m := ttlRE.FindStringSubmatch(v)
	bad := func() (time.Duration, *gwError) {
		return 0, badRequest(http.StatusUnprocessableEntity, "_ttl=%s is not a cache lifetime: give a whole number of seconds, minutes, hours or days (30s, 15m, 1h, 7d), more than 0 and at most 7d; without _ttl the cache keeps an answer 1h", strconv.Quote(v))
	}
	if m == nil {
		return bad()
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	unit := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour, "d": 24 * time.Hour}[m[2]]
	if n <= 0 || n > int64(maxTTL/unit) {
		return bad()
	}
	return time.Duration(n) * unit, nil
}

// checkSecondary refuses a failover or tee secondary that is not a
// gateway-relative path.
func checkSecondary(name, v string) *gwError {
	if strings.Contains(v, "://") {
		return badRequest(http.StatusBadRequest, "%s=%s must be a gateway-relative path such as p/<service-id> or g/<group>, not a URL: wrap an external URL in an http-relay listing", name, strconv.Quote(v))
	}
	p, _ := routing.SplitQuery(v)
	if e := checkPath(p); e != nil {
		return badRequest(e.status, "%s: %s", name, e.detail)
	}
	if _, ok := routing.ParsePath(v); !ok {
		return badRequest(http.StatusBadRequest, "%s=%s is not a gateway route: give a path starting with g/, p/, e/, a/, c/ or b/ and a name (wrappers may come first)", name, strconv.Quote(v))
	}
	return nil
}

// checkPath refuses a path (escaped as written, without its query) with
// a segment that would change which upstream URL is called once decoded:
// a '.' or '..' segment, an encoded '?', '#' or '/', a control character
// or NUL, or a '%' that starts no escape.
func checkPath(p string) *gwError {
	for seg := range strings.SplitSeq(p, "/") {
		if why := badSegment(seg); why != "" {
			return badRequest(http.StatusBadRequest, "the path segment %s is refused: %s. The gateway sends the path to the upstream as written, so it refuses what would change which URL is called: '.' and '..' segments, an encoded '?', '#' or '/' (%%3F, %%23, %%2F), control characters and NUL",
				strconv.Quote(seg), why)
		}
	}
	return nil
}

func badSegment(seg string) string {
	if i := strings.IndexFunc(seg, isControl); i >= 0 {
		return fmt.Sprintf("it contains the control character %q", seg[i])
	}
	if strings.Contains(seg, "#") {
		return "it contains '#', which would end the path"
	}
	dec, err := url.PathUnescape(seg)
	if err != nil {
		return "its percent-encoding is malformed"
	}
	switch {
	case dec == "." || dec == "..":
		return "it is a dot segment"
	case strings.ContainsFunc(dec, isControl):
		return "it encodes a control character or NUL"
	case strings.Contains(dec, "?"):
		return "it encodes '?'"
	case strings.Contains(dec, "#"):
		return "it encodes '#'"
	case strings.Contains(dec, "/"):
		return "it encodes '/'"
	}
	return ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// openAIRoots are the first segments of OpenAI's API paths: a sub-path
// starting with one of them and no v1/ is read under /v1.
var openAIRoots = []string{"chat", "completions", "embeddings", "models", "responses", "moderations", "images", "audio",
	"files", "uploads", "batches", "fine_tuning", "assistants", "threads", "vector_stores", "realtime"}

// upstreamSubPath is the sub-path sent upstream for a routed sub-path as
// written. A bare path means the interface's default endpoint: GET lists
// the models; another method posts a chat completion, or an embedding
// for a body with "input" and no "messages". An OpenAI path without v1/
// (chat/completions) is read as /v1/chat/completions.
func upstreamSubPath(rest, method string, body bodyInfo) string {
	rest = strings.TrimLeft(rest, "/")
	if rest == "" {
		switch {
		case method == http.MethodGet || method == http.MethodHead:
			return "v1/models"
		case body.input && !body.messages:
			return "v1/embeddings"
		}
		return "v1/chat/completions"
	}
	first, _, _ := strings.Cut(rest, "/")
	if slices.Contains(openAIRoots, first) {
		return "v1/" + rest
	}
	return rest
}

// bodyInfo is what the gateway reads of a request body.
type bodyInfo struct {
	// json is set when the body is one valid JSON object.
	json bool
	// key is the routing key ({"model": ...}); nil without a model.
	key map[string]any
	// input, messages and stream report those top-level fields.
	input, messages, stream bool
}

// readBody reads a request body: a JSON object's model (the routing
// key) and the fields that choose the default endpoint. A body that is
// not one JSON object is not refused here: it goes upstream unchanged
// where no routing key is needed. A JSON object with two models or a
// model that is not a string is refused: routing and the upstream could
// read different ones.
func readBody(body []byte) (bodyInfo, *gwError) {
	// One pass checks the object and reads its top level (a json.Decoder
	// reading token by token was an eighth of a dispatch's CPU time). A
	// body that is not an object, valid JSON or not, reads as nothing.
	info := bodyInfo{json: true}
	models := 0
	var model []byte
	if !objectMembers(body, func(key, v []byte) {
		switch string(key) {
		case "model":
			models++
			model = v
		case "input":
			info.input = true
		case "messages":
			info.messages = true
		case "stream":
			info.stream = string(v) == "true"
		}
	}) {
		return bodyInfo{}, nil
	}
	if models > 1 {
		return info, badRequest(http.StatusBadRequest, "the request body has %d 'model' fields: send one, so that routing and the upstream read the same model", models)
	}
	if models == 1 {
		if model[0] != '"' {
			return info, badRequest(http.StatusBadRequest, "the request body's model must be a string (the routing key, e.g. \"gpt-4o\"), not %s", truncate(string(model), 40))
		}
		m := string(model[1 : len(model)-1])
		if bytes.IndexByte(model, '\\') >= 0 || !utf8.Valid(model) {
			_ = json.Unmarshal(model, &m) // a valid string: cannot fail (it unescapes, and replaces invalid UTF-8)
		}
		if m != "" {
			info.key = map[string]any{"model": m}
		}
	}
	return info, nil
}

// validJSON reports whether b is one JSON value, as json.Valid does
// (FuzzValidJSON compares them), at a third of its cost: json.Valid's
// scanner calls a function per byte, which made checking a 1 KB chat
// request a visible share of a dispatch.
func validJSON(b []byte) bool {
	end, ok := scanValue(b, skipSpace(b, 0), 0)
	return ok && skipSpace(b, end) == len(b)
}

// maxJSONDepth is encoding/json's limit on nesting.
const maxJSONDepth = 10000

// scanValue checks the JSON value that starts at i of b, inside depth
// arrays and objects, and returns the index just past it.
func scanValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '"':
		return scanString(b, i)
	case c == '{' || c == '[':
		if depth >= maxJSONDepth {
			return i, false
		}
		return members(b, i, depth+1, nil)
	case c == 't':
		return i + 4, bytes.HasPrefix(b[i:], []byte("true"))
	case c == 'f':
		return i + 5, bytes.HasPrefix(b[i:], []byte("false"))
	case c == 'n':
		return i + 4, bytes.HasPrefix(b[i:], []byte("null"))
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(b, i)
	}
	return i, false
}

// scanString checks the string that starts at i of b (at its quote).
func scanString(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, true
		case c < 0x20:
			return i, false
		case c == '\\':
			if i++; i >= len(b) {
				return i, false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return i, false
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return i, false
					}
				}
				i += 4
			default:
				return i, false
			}
		}
	}
	return i, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// scanNumber checks the number that starts at i of b.
func scanNumber(b []byte, i int) (int, bool) {
	digits := func(i int) int {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

// objectMembers calls fn with each member of body (see members) and
// reports whether body is one valid JSON object, white space around it
// allowed; fn may have been called before a fault was found.
func objectMembers(body []byte, fn func(key, value []byte)) bool {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return false
	}
	end, ok := members(body, i, 1, fn)
	return ok && skipSpace(body, end) == len(body)
}

// members checks the JSON object or array that starts at i of b (at its
// brace or bracket), whose values are depth deep, and returns the index
// just past it, and false when it is not valid JSON. With fn, it calls fn
// with each member of an object as it goes: its key, unescaped, and its
// value as written (fn may have been called for members before a fault).
func members(b []byte, i, depth int, fn func(key, value []byte)) (int, bool) {
	closing := byte('}')
	if b[i] == '[' {
		closing = ']'
	}
	if i = skipSpace(b, i+1); i < len(b) && b[i] == closing {
		return i + 1, true
	}
	for {
		var key []byte
		if closing == '}' {
			if i >= len(b) || b[i] != '"' {
				return i, false
			}
			end, ok := scanString(b, i)
			if !ok {
				return i, false
			}
			if fn != nil {
				key = b[i+1 : end-1]
				if bytes.IndexByte(key, '\\') >= 0 {
					var k string
					_ = json.Unmarshal(b[i:end], &k) // a valid string: cannot fail
					key = []byte(k)
				}
			}
			if i = skipSpace(b, end); i >= len(b) || b[i] != ':' {
				return i, false
			}
			i = skipSpace(b, i+1)
		}
		end, ok := scanValue(b, i, depth)
		if !ok {
			return i, false
		}
		if fn != nil {
			fn(key, b[i:end])
		}
		if i = skipSpace(b, end); i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case closing:
			return i + 1, true
		default:
			return i, false
		}
	}
}

// skipSpace returns the index of the first byte at or after i of valid
// JSON b that is not white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
