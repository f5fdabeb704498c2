package files_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
	"github.com/unitysvc/terraform-provider-unitysvc/internal/client"
)

// upload stores data at path+name through a ticket, as the SDK does.
func upload(ctx context.Context, c *client.Client, path, name string, data []byte) error {
	tk, err := c.CreateAccountFileUpload(ctx, client.AccountFileUploadRequest{Filename: name, Size: int64(len(data)), Path: path})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range tk.Fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	resp, err := http.Post(tk.URL, mw.FormDataContentType(), &buf)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("upload of %s%s: HTTP %d", path, name, resp.StatusCode)
	}
	return nil
}

func strings(vals ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(vals))
	for i, v := range vals {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.ListExact(checks)
}

func TestAccAccountFiles(t *testing.T) {
	e := acctest.New(t)
	if acctest.Remote() {
		t.Skip("uploads files it cannot delete afterwards")
	}
	for _, f := range []struct{ path, name, data string }{{"", "b.txt", "bb"}, {"", "a.txt", "a"}, {"reports/", "q1.csv", "1,2,3"}, {"reports/2026/", "q2.csv", "4"}} {
		if err := upload(context.Background(), e.Client, f.path, f.name, []byte(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	root, reports := "data.unitysvc_account_files.root", "data.unitysvc_account_files.reports"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: e.ConfigFile(t, "testdata/account_files.tf", nil),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(root, tfjsonpath.New("id"), knownvalue.StringExact("personal:")),
				statecheck.ExpectKnownValue(root, tfjsonpath.New("scope"), knownvalue.StringExact("personal")),
				statecheck.ExpectKnownValue(root, tfjsonpath.New("path"), knownvalue.StringExact("")),
				statecheck.ExpectKnownValue(root, tfjsonpath.New("keys"), strings("a.txt", "b.txt")),
				statecheck.ExpectKnownValue(root, tfjsonpath.New("common_prefixes"), strings("reports/")),
				statecheck.ExpectKnownValue(root, tfjsonpath.New("objects").AtSliceIndex(1).AtMapKey("size"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue(root, tfjsonpath.New("objects").AtSliceIndex(1).AtMapKey("last_modified"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				// One member: no team, no shared folder.
				statecheck.ExpectKnownValue(root, tfjsonpath.New("shared_enabled"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(reports, tfjsonpath.New("path"), knownvalue.StringExact("reports/")),
				statecheck.ExpectKnownValue(reports, tfjsonpath.New("keys"), strings("reports/q1.csv")),
				statecheck.ExpectKnownValue(reports, tfjsonpath.New("common_prefixes"), strings("reports/2026/")),
			},
		}},
	})
}

func TestAccAccountFiles_refused(t *testing.T) {
	e := acctest.New(t)
	cfg := func(args string) string {
		return e.Config("data \"unitysvc_account_files\" \"x\" {\n" + args + "\n}\n")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(`path = "../other"`), ExpectError: acctest.ErrorText(`"../other" is not a folder relative to the scope root`)},
			{Config: cfg(`path = "/abs"`), ExpectError: acctest.ErrorText(`"/abs" is not a folder relative to the scope root`)},
			{Config: cfg(`scope = "team"`), ExpectError: regexp.MustCompile(`value must be one of: \["personal"\s+"shared"\]`)},
			{Config: e.ConfigFile(t, "testdata/account_files_shared.tf", nil), ExpectError: acctest.ErrorText(`scope=shared needs a team`)},
		},
	})
}
