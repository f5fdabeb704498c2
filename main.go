// Command terraform-provider-unitysvc is the Terraform / OpenTofu provider
// for the UnitySVC customer API.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/cpuprofile"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/provider"
)

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debugMode bool
	var cpuProfile string
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a pprof CPU profile to this file until the provider stops (with -debug: Ctrl-C)")
	flag.Parse()
	quietUnlessAsked(os.Getenv, os.Setenv)
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if err := run(debugMode, cpuProfile); err != nil {
		log.Fatal(err.Error())
	}
}

func run(debug bool, cpuProfile string) (err error) {
	if cpuProfile != "" {
		stop, err := cpuprofile.Start(cpuProfile)
		if err != nil {
			return err
		}
		defer func() {
			if serr := stop(); err == nil {
				err = serr
			}
		}()
	}
	return providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/unitysvc/unitysvc",
		Debug:   debug,
	})
}

// gcPercent replaces Go's default GOGC of 100 (unless GOGC is set). The
// provider keeps little alive between RPCs (a few MB), so at 100 the
// collector ran after every few MB allocated, and marking took a quarter
// of the provider's CPU time; at 400 it runs a quarter as often, for a
// peak heap a few MB larger.
const gcPercent = 400

// logLevelVars are the variables that set the level of the provider's
// loggers: the SDK's, its protocol and framework subsystems (which do not
// follow the SDK's level, only their own variable) and the provider's own
// (tflog). Unset, each logs everything down to TRACE.
var logLevelVars = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", provider.EnvLogProvider}

// quietUnlessAsked turns the provider's loggers off when no log variable
// is set (TF_LOG, TF_LOG_PROVIDER, nor any of the SDK's). Terraform and
// OpenTofu show a provider's log lines only when TF_LOG or
// TF_LOG_PROVIDER asks for them, and drop them otherwise; but the
// loggers, left at their default, still encode every line down to TRACE
// as JSON and write it to the CLI, several per resource and RPC, which
// was a third of the provider's CPU time. When any of these variables is
// set, nothing is changed.
func quietUnlessAsked(getenv func(string) string, setenv func(string, string) error) {
	if getenv("TF_LOG") != "" {
		return
	}
	for _, v := range logLevelVars {
		if getenv(v) != "" {
			return
		}
	}
	for _, v := range logLevelVars {
		_ = setenv(v, "off")
	}
}
