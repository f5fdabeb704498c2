package acctest

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"text/template"
)

// ConfigFile is Config for a configuration kept in a file beside the test
// (testdata/<name>.tf): the file is a text/template filled in with vars,
// then prefixed with the provider block. Write placeholders inside HCL
// strings ("{{.name}}") so the file stays valid HCL; string values are
// escaped for them.
func (e *Env) ConfigFile(t *testing.T, file string, vars map[string]any) string {
	t.Helper()
	return e.Config(FillConfig(t, file, vars))
}

// FillConfig reads the configuration template file and fills in vars
// (see ConfigFile), without the provider block.
func FillConfig(t *testing.T, file string, vars map[string]any) string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading the test configuration: %v", err)
	}
	tmpl, err := template.New(file).Option("missingkey=error").Parse(string(src))
	if err != nil {
		t.Fatalf("parsing %s: %v", file, err)
	}
	escaped := make(map[string]any, len(vars))
	for k, v := range vars {
		if s, ok := v.(string); ok {
			v = hclEscape(s)
		}
		escaped[k] = v
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, escaped); err != nil {
		t.Fatalf("filling in %s: %v", file, err)
	}
	return out.String()
}

// hclEscape escapes s for the inside of an HCL quoted string: quotes,
// backslashes and control characters as in Go, and template sequences
// doubled so they stay literal.
func hclEscape(s string) string {
	q := strconv.Quote(s)
	q = q[1 : len(q)-1]
	return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(q)
}
