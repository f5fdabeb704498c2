package provider_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	tfacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/unitysvc/terraform-provider-unitysvc/internal/acctest"
)

// TestAccGatewayOpenAISDK applies a collection through the provider and
// points the official OpenAI Go SDK at it (base URL <gateway>/g/<name>/v1):
// the models are exactly the routing keys, each model reaches its
// member, a stream accumulates the same text, usage is reported, and an
// unknown model's error carries the gateway's message naming the valid
// models (OpenAI's error object; before, the SDK read an empty message).
func TestAccGatewayOpenAISDK(t *testing.T) {
	e := acctest.New(t)
	if acctest.Remote() {
		t.Skip("relies on the answers of unitysvc-local's built-in upstreams")
	}
	coll := tfacctest.RandomWithPrefix("tf-acc-oai")
	config := e.ConfigFile(t, "testdata/gateway_openai_collection.tf", map[string]any{"collection": coll})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check:  func(*terraform.State) error { return openAIChecks(e, coll) },
		}},
	})
}

func openAIChecks(e *acctest.Env, coll string) error {
	ctx := acctest.Ctx()
	client := openai.NewClient(option.WithBaseURL(e.GatewayURL+"/g/"+coll+"/v1/"), option.WithAPIKey(e.APIKey), option.WithMaxRetries(0))

	page, err := client.Models.List(ctx)
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	var ids []string
	for _, m := range page.Data {
		ids = append(ids, m.ID)
	}
	if !slices.Equal(ids, []string{"fast-gpt", "llama-3.1-8b"}) {
		return fmt.Errorf("models: %v, want exactly the routing keys fast-gpt and llama-3.1-8b", ids)
	}

	for model, want := range map[string]string{"fast-gpt": "gpt-4o-mini", "llama-3.1-8b": "llama-3.1-8b-groq"} {
		params := openai.ChatCompletionNewParams{Model: model, Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello from the OpenAI SDK")}}
		var resp *http.Response
		completion, err := client.Chat.Completions.New(ctx, params, option.WithResponseInto(&resp))
		if err != nil {
			return fmt.Errorf("chat with %s: %w", model, err)
		}
		text := completion.Choices[0].Message.Content
		if got := resp.Header.Get("X-Unitysvc-Service"); got != want || !strings.HasPrefix(text, want+" ") {
			return fmt.Errorf("chat with %s reached %s (%q), want %s", model, got, text, want)
		}
		if completion.Usage.PromptTokens == 0 || completion.Usage.TotalTokens != completion.Usage.PromptTokens+completion.Usage.CompletionTokens {
			return fmt.Errorf("chat with %s: usage %+v", model, completion.Usage)
		}

		stream := client.Chat.Completions.NewStreaming(ctx, params)
		acc := openai.ChatCompletionAccumulator{}
		for stream.Next() {
			acc.AddChunk(stream.Current())
		}
		if err := stream.Err(); err != nil {
			return fmt.Errorf("stream with %s: %w", model, err)
		}
		if len(acc.Choices) != 1 || acc.Choices[0].Message.Content != text {
			return fmt.Errorf("stream with %s accumulated %+v, want %q", model, acc.Choices, text)
		}
	}

	_, err = client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "no-such-model",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")}})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		return fmt.Errorf("unknown model: %w, want an *openai.Error", err)
	}
	// openai-go's err.Error() is a status summary (since v3.91 it leaves the
	// message out, which may carry secrets); the message is apiErr.Message.
	if apiErr.StatusCode != http.StatusNotFound || !strings.Contains(apiErr.Message, "valid models: fast-gpt, llama-3.1-8b") ||
		apiErr.Type != "invalid_request_error" || apiErr.Code != "no_route" || !strings.Contains(err.Error(), "404") {
		return fmt.Errorf("unknown model: %q, message %q, type %q, code %q", err.Error(), apiErr.Message, apiErr.Type, apiErr.Code)
	}
	return nil
}
