package main

import "testing"

func TestQuietUnlessAsked(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{"no log asked for", map[string]string{}, off(nil)},
		{"TF_LOG", map[string]string{"TF_LOG": "trace"}, map[string]string{"TF_LOG": "trace"}},
		{"TF_LOG_PROVIDER", map[string]string{"TF_LOG_PROVIDER": "debug"}, map[string]string{"TF_LOG_PROVIDER": "debug"}},
		{"only the CLI's own logs", map[string]string{"TF_LOG_CORE": "trace"}, off(map[string]string{"TF_LOG_CORE": "trace"})},
		{"an SDK level", map[string]string{"TF_LOG_SDK_FRAMEWORK": "trace"}, map[string]string{"TF_LOG_SDK_FRAMEWORK": "trace"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tc.env {
				env[k] = v
			}
			quietUnlessAsked(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if len(env) != len(tc.want) {
				t.Fatalf("environment %v, want %v", env, tc.want)
			}
			for k, v := range tc.want {
				if env[k] != v {
					t.Fatalf("environment %v, want %v", env, tc.want)
				}
			}
		})
	}
}

// off is env with every unset log level variable set to off.
func off(env map[string]string) map[string]string {
	out := map[string]string{}
	for _, v := range logLevelVars {
		out[v] = "off"
	}
	for k, v := range env {
		out[k] = v
	}
	return out
}
