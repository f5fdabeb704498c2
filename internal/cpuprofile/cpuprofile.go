// Package cpuprofile writes a pprof CPU profile for the -cpuprofile flag
// of the provider and of unitysvc-local.
package cpuprofile

import (
	"os"
	"runtime/pprof"
)

// Start starts profiling into a new file at path. stop ends the profile
// and closes the file; it returns the close's error.
func Start(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
