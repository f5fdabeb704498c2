package provider_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// gatewayCall sends one request and decodes its JSON answer.
func gatewayCall(method, url, key string, body any) (int, http.Header, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return resp.StatusCode, resp.Header, nil, fmt.Errorf("%s %s answered %d, not JSON: %s", method, url, resp.StatusCode, raw)
	}
	return resp.StatusCode, resp.Header, out, nil
}

// answeredBy is the built-in upstream that wrote a chat completion.
func answeredBy(completion map[string]any) string {
	fp, _ := completion["system_fingerprint"].(string)
	return strings.TrimPrefix(fp, "unitysvc-local/")
}

func chatBody(model, text string) map[string]any {
	return map[string]any{"model": model, "messages": []any{map[string]any{"role": "user", "content": text}}}
}

// TestAccGateway applies a collection, a chain whose first step fails
// (its service, claude-sonnet-4, answers after 420 ms; the step allows
// 100 ms) and a broadcast, then sends real requests to the gateway and
// checks who answered.
func TestAccGateway(t *testing.T) {
	e := acctest.New(t)
	if acctest.Remote() {
		t.Skip("relies on the latency profiles of unitysvc-local's built-in upstreams")
	}
	coll, chain, bcast := tfacctest.RandomWithPrefix("tf-acc-gw"), tfacctest.RandomWithPrefix("tf-acc-gw"), tfacctest.RandomWithPrefix("tf-acc-gw")
	config := e.ConfigFile(t, "testdata/gateway_collection_chain_broadcast.tf", map[string]any{"collection": coll, "chain": chain, "broadcast": bcast})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				func(*terraform.State) error {
					status, _, out, err := gatewayCall("POST", e.APIURL+"/request-logs/start", e.APIKey, nil)
					if err != nil {
						return fmt.Errorf("starting request logging: %w", err)
					}
					if status != 200 || out["enabled"] != true {
						return fmt.Errorf("starting request logging: %d %v", status, out)
					}
					return nil
				},
				// The collection: the model picks the member.
				func(*terraform.State) error {
					for model, want := range map[string]string{"fast-gpt": "gpt-4o-mini", "llama-3.1-8b": "llama-3.1-8b-groq"} {
						status, h, out, err := gatewayCall("POST", e.GatewayURL+"/g/"+coll+"/v1/chat/completions", e.APIKey, chatBody(model, "hello"))
						if err != nil {
							return err
						}
						if status != 200 || answeredBy(out) != want || h.Get("X-Unitysvc-Service") != want {
							return fmt.Errorf("/g/%s with model %s: %d answered by %q, want %s: %v", coll, model, status, answeredBy(out), want, out)
						}
					}
					status, _, out, err := gatewayCall("GET", e.GatewayURL+"/g/"+coll+"/v1/models", e.APIKey, nil)
					if err != nil {
						return fmt.Errorf("models: %w", err)
					}
					if status != 200 || fmt.Sprint(out["data"]) != "[map[created:0 id:fast-gpt object:model owned_by:unitysvc] map[created:0 id:llama-3.1-8b object:model owned_by:unitysvc]]" {
						return fmt.Errorf("models: %d %v", status, out)
					}
					return nil
				},
				// The chain: the primary step times out, the backup answers.
				func(*terraform.State) error {
					status, h, out, err := gatewayCall("POST", e.GatewayURL+"/c/"+chain+"/v1/chat/completions", e.APIKey, chatBody("fast-gpt", "failover"))
					if err != nil {
						return err
					}
					if status != 200 || answeredBy(out) != "gpt-4o-mini" || h.Get("X-Unitysvc-Chain-Step") != "backup" {
						return fmt.Errorf("/c/%s: %d answered by %q (step %q), want gpt-4o-mini from the backup step: %v", chain, status, answeredBy(out), h.Get("X-Unitysvc-Chain-Step"), out)
					}
					// Both attempts are in the request logs: the timeout, then the answer.
					status, _, logs, err := gatewayCall("GET", e.APIURL+"/request-logs?user_request_path=/c/"+chain, e.APIKey, nil)
					if err != nil {
						return fmt.Errorf("request logs: %w", err)
					}
					if status != 200 {
						return fmt.Errorf("request logs: %d", status)
					}
					items, _ := logs["items"].([]any)
					if len(items) != 2 {
						return fmt.Errorf("request logs of the chain: %v, want two attempts", logs)
					}
					first, second := items[1].(map[string]any), items[0].(map[string]any) // newest first
					if first["error_type"] != "timeout" || first["upstream_response_status_code"] != float64(504) || second["error_type"] != nil ||
						second["upstream_response_status_code"] != float64(200) {
						return fmt.Errorf("attempts: %v", items)
					}
					return nil
				},
				// The broadcast: both targets, in order, each answered by its member.
				func(*terraform.State) error {
					status, _, out, err := gatewayCall("POST", e.GatewayURL+"/b/"+bcast+"/v1/chat/completions", e.APIKey, chatBody("", "fan out"))
					if err != nil {
						return err
					}
					results, _ := out["results"].([]any)
					if status != 200 || len(results) != 2 {
						return fmt.Errorf("/b/%s: %d %v", bcast, status, out)
					}
					for i, want := range [][2]string{{"fast", "gpt-4o-mini"}, {"llama", "llama-3.1-8b-groq"}} {
						r := results[i].(map[string]any)
						body, _ := r["body"].(map[string]any)
						if r["name"] != want[0] || r["status_code"] != float64(200) || answeredBy(body) != want[1] {
							return fmt.Errorf("result %d: %v, want %s answered by %s", i, r, want[0], want[1])
						}
					}
					return nil
				},
			),
		}},
	})
}
