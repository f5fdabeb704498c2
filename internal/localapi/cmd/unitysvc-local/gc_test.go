package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// tuneGC sets the collector's defaults unless GOGC or GOMEMLIMIT say
// otherwise.
func TestTuneGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	tuneGC(func(string) string { return "" })
	if p, l := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64); p != gcPercent || l != memoryLimit {
		t.Fatalf("without GOGC and GOMEMLIMIT: GC percent %d, memory limit %d; want %d and %d", p, l, gcPercent, memoryLimit)
	}
	tuneGC(func(k string) string { return map[string]string{"GOGC": "100", "GOMEMLIMIT": "off"}[k] })
	if p, l := debug.SetGCPercent(100), debug.SetMemoryLimit(-1); p != 100 || l != math.MaxInt64 {
		t.Fatalf("with GOGC and GOMEMLIMIT set: GC percent %d, memory limit %d; want them left alone", p, l)
	}
}
