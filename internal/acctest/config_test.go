package acctest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFillConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "x.tf")
	if err := os.WriteFile(file, []byte(`resource "unitysvc_chain" "c" {
  name        = "{{.name}}"
  description = "{{.description}}"
}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	got := FillConfig(t, file, map[string]any{"name": "tf-acc-1", "description": `say "hi" ${x} %{y} \ done`})
	want := `resource "unitysvc_chain" "c" {
  name        = "tf-acc-1"
  description = "say \"hi\" $${x} %%{y} \\ done"
}
`
	if got != want {
		t.Errorf("FillConfig =\n%s\nwant\n%s", got, want)
	}
}
