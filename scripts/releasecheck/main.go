// Command releasecheck checks a goreleaser dist directory against what
// the Terraform registry needs from a provider release, for the targets
// given (os_arch): a zip per target holding the provider binary, the
// SHA256SUMS file listing every zip and the manifest with their true
// hashes, and the manifest declaring protocol 6.0; plus the unitysvc-local
// zip per target. `make release-check` runs it on a snapshot.
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const project = "terraform-provider-unitysvc"

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: releasecheck DIST OS_ARCH...")
		os.Exit(2)
	}
	if err := check(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "release-check:", err)
		os.Exit(1)
	}
}

func check(dist string, targets []string) error {
	sums, err := filepath.Glob(filepath.Join(dist, project+"_*_SHA256SUMS"))
	if err != nil || len(sums) != 1 {
		return fmt.Errorf("want one %s_<version>_SHA256SUMS in %s, found %v", project, dist, sums)
	}
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(sums[0]), project+"_"), "_SHA256SUMS")
	listed, err := readSums(sums[0])
	if err != nil {
		return err
	}
	manifest := fmt.Sprintf("%s_%s_manifest.json", project, version)
	want := map[string][]string{manifest: nil}
	for _, t := range targets {
		want[fmt.Sprintf("%s_%s_%s.zip", project, version, t)] = []string{fmt.Sprintf("%s_v%s", project, version)}
		exe := "unitysvc-local"
		if strings.HasPrefix(t, "windows_") {
			exe += ".exe"
		}
		want[fmt.Sprintf("unitysvc-local_%s_%s.zip", version, t)] = []string{exe}
	}
	for name, binaries := range want {
		path := filepath.Join(dist, name)
		sum, err := fileSHA256(path)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if listed[name] == "" {
			return fmt.Errorf("%s does not list %s", filepath.Base(sums[0]), name)
		}
		if listed[name] != sum {
			return fmt.Errorf("%s lists %s with %s, but its hash is %s", filepath.Base(sums[0]), name, listed[name], sum)
		}
		if strings.HasSuffix(name, ".zip") {
			if err := zipHolds(path, binaries); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	b, err := os.ReadFile(filepath.Join(dist, manifest))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("%s: %w", manifest, err)
	}
	if m.Version != 1 || !slices.Contains(m.Metadata.ProtocolVersions, "6.0") {
		return fmt.Errorf("%s must be version 1 with protocol_versions [\"6.0\"]: %s", manifest, b)
	}
	fmt.Printf("release-check: ok (%s): %d files in %s, all present with matching hashes\n", version, len(listed), filepath.Base(sums[0]))
	return nil
}

func readSums(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			return nil, fmt.Errorf("%s: malformed line %q", path, sc.Text())
		}
		out[name] = sum
	}
	return out, sc.Err()
}

func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func zipHolds(path string, names []string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	var have []string
	for _, f := range r.File {
		have = append(have, f.Name)
	}
	for _, n := range names {
		if !slices.Contains(have, n) {
			return errors.New("does not hold " + n + " (it holds " + strings.Join(have, ", ") + ")")
		}
	}
	return nil
}
