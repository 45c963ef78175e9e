// The Go floor: the least a Temporal-based webhook step can cost on this server. One workflow, one activity doing
// the same POST with net/http, Go SDK defaults; the bench runs it beside hookstep on the same dev server and receiver.
// Configured by env (TEMPORAL_ADDRESS, TASK_QUEUE); prints {"ready":true} once polling, as the bench's children do.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// One keep-alive pool for the process, sized like hookstep's, so connection set-up is not what is measured.
var httpClient = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: 10 * time.Second},
}

// GoSendWebhook is the workflow: one activity under the SDK's default retry policy.
func GoSendWebhook(ctx workflow.Context, url string, body map[string]any) (map[string]any, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 60 * time.Second})
	var reply map[string]any
	err := workflow.ExecuteActivity(ctx, Post, url, body).Get(ctx, &reply)
	return reply, err
}

// Post sends the body as JSON; a non-2xx reply is an error, so the default policy retries it.
func Post(ctx context.Context, url string, body map[string]any) (map[string]any, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("content-type", "application/json")
	res, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return nil, fmt.Errorf("HTTP %d", res.StatusCode)
	}
	reply := map[string]any{}
	_ = json.Unmarshal(data, &reply)
	return reply, nil
}

func main() {
	c, err := client.Dial(client.Options{HostPort: os.Getenv("TEMPORAL_ADDRESS"), Logger: quietLogger{}})
	if err != nil {
		log.Fatalln("dial:", err)
	}
	defer c.Close()
	w := worker.New(c, os.Getenv("TASK_QUEUE"), worker.Options{})
	w.RegisterWorkflowWithOptions(GoSendWebhook, workflow.RegisterOptions{Name: "goSendWebhook"})
	w.RegisterActivityWithOptions(Post, activity.RegisterOptions{Name: "post"})
	if err := w.Start(); err != nil {
		log.Fatalln("start:", err)
	}
	fmt.Println(`{"ready":true}`)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	w.Stop()
}

// quietLogger drops the SDK's info lines; the bench reads stdout for its ready line only.
type quietLogger struct{}

func (quietLogger) Debug(string, ...interface{}) {}
func (quietLogger) Info(string, ...interface{})  {}
func (quietLogger) Warn(msg string, kv ...interface{}) {
	log.Println(append([]interface{}{"WARN", msg}, kv...)...)
}
func (quietLogger) Error(msg string, kv ...interface{}) {
	log.Println(append([]interface{}{"ERROR", msg}, kv...)...)
}
