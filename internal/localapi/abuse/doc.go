// Package abuse holds `make abuse`: each attack on unitysvc-local's
// bounds (loops through aliases, chains and broadcasts, a BYOK endpoint
// pointing back at the gateway, oversized upstream answers, header
// floods, connections that never finish a request) run against the real
// binary on loopback, printing for each the time to refusal, the
// server's peak RSS and whether both ports still answer. The code is in
// the package's test.
package abuse
