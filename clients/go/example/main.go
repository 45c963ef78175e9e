// Command example starts hookstep's sendWebhook by name from Go, reads its typed result, then a failing one and its
// failure, and prints both as one JSON object:
//
//	HOOKSTEP_ALLOWED_NETWORKS=127.0.0.0/8 npm start   # in the hookstep checkout: writes .hookstep/payload-keys
//	node examples/receiver.mjs                        # a receiver on 127.0.0.1:8787
//	cd <the hookstep checkout> && go run ./clients/go/example \
//	    http://127.0.0.1:8787/tickets http://127.0.0.1:8787/missing
//
// Environment: TEMPORAL_ADDRESS (default 127.0.0.1:7233), HOOKSTEP_TASK_QUEUE (default webhooks), and the payload
// keys as hookstepcodec.FromEnv reads them.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"hookstep/clients/go/hookstepcodec"
)

// SendWebhookResult is what sendWebhook returns for a 2xx: the declared response fields in Body, typed.
type SendWebhookResult struct {
	Status     int            `json:"status"`
	Body       map[string]any `json:"body"`
	Attempts   int            `json:"attempts"`
	DurationMs int            `json:"durationMs"`
}

// DeliveryFailureDetails is details[0] of every delivery failure.
type DeliveryFailureDetails struct {
	Method      string `json:"method"`
	URL         string `json:"url"`
	Attempt     int    `json:"attempt"`
	DurationMs  int    `json:"durationMs"`
	Status      int    `json:"status,omitempty"`
	BodySnippet string `json:"bodySnippet,omitempty"`
}

func main() {
	if len(os.Args) != 3 && len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: example <url answering 2xx> <url answering 4xx> [workflow id prefix]")
		os.Exit(2)
	}
	prefix := fmt.Sprintf("go-order-9-%d", time.Now().UnixNano())
	if len(os.Args) == 4 {
		prefix = os.Args[3]
	}
	out, err := run(os.Args[1], os.Args[2], prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	text, _ := json.Marshal(out)
	fmt.Println(string(text))
}

func run(okURL, failingURL, prefix string) (map[string]any, error) {
	codec, err := hookstepcodec.FromEnv()
	if err != nil {
		return nil, err
	}
	c, err := client.Dial(client.Options{
		HostPort:         envOr("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		DataConverter:    codec.DataConverter(),
		FailureConverter: codec.FailureConverter(), // without it, failure details stay encrypted
	})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ctx := context.Background()
	queue := envOr("HOOKSTEP_TASK_QUEUE", "webhooks")

	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: prefix + "-ok", TaskQueue: queue}, "sendWebhook",
		map[string]any{
			"url":      okURL,
			"body":     map[string]any{"orderId": "AG-1:ORD-9", "note": "café ☕"},
			"response": map[string]any{"fields": map[string]string{"ticketId": "string", "priority": "number"}},
		})
	if err != nil {
		return nil, err
	}
	var result SendWebhookResult
	if err := run.Get(ctx, &result); err != nil {
		return nil, err
	}

	failure := map[string]any{"error": "the failing step succeeded"}
	run, err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: prefix + "-missing", TaskQueue: queue},
		"sendWebhook", map[string]any{"url": failingURL, "body": map[string]any{"orderId": "AG-1:ORD-9"}})
	if err != nil {
		return nil, err
	}
	if err := run.Get(ctx, nil); err != nil {
		// hookstep's failure type is on the innermost ApplicationError of the cause chain.
		var app *temporal.ApplicationError
		for e := error(err); e != nil; e = errors.Unwrap(e) {
			if a, ok := e.(*temporal.ApplicationError); ok {
				app = a
			}
		}
		if app == nil {
			failure = map[string]any{"error": fmt.Sprintf("no ApplicationError in the cause chain of %v", err)}
		} else {
			var details DeliveryFailureDetails
			if err := app.Details(&details); err != nil {
				return nil, fmt.Errorf("failure details: %w", err)
			}
			failure = map[string]any{
				"type":         app.Type(),
				"message":      app.Message(),
				"nonRetryable": app.NonRetryable(),
				"status":       details.Status,
				"bodySnippet":  details.BodySnippet,
			}
		}
	}
	return map[string]any{
		"result":  map[string]any{"status": result.Status, "attempts": result.Attempts, "body": result.Body},
		"failure": failure,
	}, nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
