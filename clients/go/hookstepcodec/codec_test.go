package hookstepcodec

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	"google.golang.org/protobuf/proto"
)

// The known answers shared with the TypeScript and Python codecs (features#68: codecs of two SDKs that looked alike
// and could not read each other).
type jsonPayload struct {
	Metadata map[string]string `json:"metadata"`
	Data     string            `json:"data"`
}

type vectorFile struct {
	Keys    string `json:"keys"`
	Vectors []struct {
		Name, Writer     string
		Payload, Encoded jsonPayload
	} `json:"vectors"`
	PassThrough []jsonPayload `json:"passThrough"`
	Rejected    []struct {
		Name    string
		Encoded jsonPayload
		Error   string
	} `json:"rejected"`
}

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	text, err := os.ReadFile(filepath.Join("..", "..", "payload-codec-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f vectorFile
	if err := json.Unmarshal(text, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func toPayload(t *testing.T, j jsonPayload) *commonpb.Payload {
	t.Helper()
	p := &commonpb.Payload{Metadata: map[string][]byte{}}
	for k, v := range j.Metadata {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			t.Fatal(err)
		}
		p.Metadata[k] = b
	}
	data, err := base64.StdEncoding.DecodeString(j.Data)
	if err != nil {
		t.Fatal(err)
	}
	p.Data = data
	return p
}

func codecFor(t *testing.T, keys string) *Codec {
	t.Helper()
	c, err := ParseKeyList(keys, "vectors")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEveryVectorDecryptsToItsPayload(t *testing.T) {
	f := loadVectors(t)
	c := codecFor(t, f.Keys)
	for _, v := range f.Vectors {
		decoded, err := c.Decode([]*commonpb.Payload{toPayload(t, v.Encoded)})
		if err != nil {
			t.Fatalf("%s (%s): %v", v.Name, v.Writer, err)
		}
		if !proto.Equal(decoded[0], toPayload(t, v.Payload)) {
			t.Errorf("%s (%s): decoded %v", v.Name, v.Writer, decoded[0])
		}
	}
}

// With the nonce the TypeScript codec drew, Go writes the same bytes (where protobuf's map order cannot differ).
func TestTheSameNonceGivesTheTypeScriptCodecsBytes(t *testing.T) {
	f := loadVectors(t)
	ring := codecFor(t, f.Keys)
	checked := 0
	for _, v := range f.Vectors {
		encoded := toPayload(t, v.Encoded)
		id := string(encoded.Metadata[KeyIDMetadata])
		nonce := encoded.Data[:nonceBytes]
		plain, err := ring.aeads[id].Open(nil, nonce, encoded.Data[nonceBytes:], []byte(id))
		if err != nil {
			t.Fatal(err)
		}
		p := &commonpb.Payload{}
		if err := proto.Unmarshal(plain, p); err != nil {
			t.Fatal(err)
		}
		// Protobuf leaves the order of map entries to each implementation (Go's is random): bytes compare with one.
		if v.Writer != "typescript" || len(p.Metadata) > 1 {
			continue
		}
		keyed := &Codec{currentID: id, aeads: ring.aeads, source: "vectors"}
		got, err := keyed.encrypt(p, nonce)
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(got, encoded) {
			t.Errorf("%s: encrypted to other bytes", v.Name)
		}
		checked++
	}
	if checked < 3 {
		t.Fatalf("only %d vectors checked byte for byte", checked)
	}
}

func TestPayloadsFromBeforeEncryptionPassThrough(t *testing.T) {
	f := loadVectors(t)
	for _, j := range f.PassThrough {
		decoded, err := codecFor(t, f.Keys).Decode([]*commonpb.Payload{toPayload(t, j)})
		if err != nil || !proto.Equal(decoded[0], toPayload(t, j)) {
			t.Errorf("pass-through changed: %v %v", decoded, err)
		}
	}
}

func TestRefusedEnvelopesFailSayingWhy(t *testing.T) {
	f := loadVectors(t)
	for _, v := range f.Rejected {
		_, err := codecFor(t, f.Keys).Decode([]*commonpb.Payload{toPayload(t, v.Encoded)})
		if !errors.Is(err, ErrUndecryptable) || !strings.Contains(err.Error(), v.Error) {
			t.Errorf("%s: got %v, want an ErrUndecryptable saying %q", v.Name, err, v.Error)
		}
	}
}

func TestEncryptsWithTheFirstKeyAFreshNonceEach(t *testing.T) {
	c := codecFor(t, loadVectors(t).Keys)
	p := &commonpb.Payload{Metadata: map[string][]byte{"encoding": []byte("json/plain")}, Data: []byte(`{"secret":"whsec_x"}`)}
	out, err := c.Encode([]*commonpb.Payload{p, p})
	if err != nil {
		t.Fatal(err)
	}
	if string(out[0].Metadata["encoding"]) != EncryptedEncoding || string(out[0].Metadata[KeyIDMetadata]) != "a" ||
		len(out[0].Metadata) != 2 {
		t.Errorf("metadata %v", out[0].Metadata)
	}
	if bytes.Contains(out[0].Data, []byte("whsec_x")) || bytes.Equal(out[0].Data[:nonceBytes], out[1].Data[:nonceBytes]) {
		t.Error("plaintext visible, or a nonce reused")
	}
	back, err := c.Decode(out)
	if err != nil || !proto.Equal(back[0], p) || !proto.Equal(back[1], p) {
		t.Errorf("round trip: %v %v", back, err)
	}
}

func TestKeysAreReadAsHookstepReadsThem(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	urlSafe := strings.TrimRight(base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{251}, 32)), "=")
	c, err := ParseKeyList("# comment\nk2:"+urlSafe+"\r\nk1:"+key, "f")
	if err != nil || c.CurrentKeyID() != "k2" || len(c.aeads) != 2 {
		t.Fatalf("%v %v", c, err)
	}
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	for text, words := range map[string]string{
		" , ":                    "holds no key",
		":" + key:                "entry 1 must be keyId:base64key",
		"a:" + short:             `key "a" must be 32 bytes`,
		"a:" + key + ",a:" + key: "listed twice",
	} {
		_, err := ParseKeyList(text, "HOOKSTEP_PAYLOAD_KEYS")
		if !errors.Is(err, ErrKeyConfig) || !strings.Contains(err.Error(), words) || strings.Contains(err.Error(), key) {
			t.Errorf("%q: got %v, want %q", text, err, words)
		}
	}
}

// sdk-go#1999: a codec whose key lookup failed at Encode let the SDK send the payload in clear. Here the current key
// is checked when the codec is made, before any client exists.
func TestACurrentKeyThatIsMissingFailsWhenTheCodecIsMade(t *testing.T) {
	if _, err := New(map[string][]byte{"a": make([]byte, 32)}, "b", "HOOKSTEP_PAYLOAD_KEYS"); !errors.Is(err, ErrKeyConfig) ||
		!strings.Contains(err.Error(), `the current key "b" is not among the keys`) {
		t.Errorf("got %v", err)
	}
}

func TestFromEnvReadsTheVariableTheFileOrTheDevKeyFileInThatOrder(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
	dir := t.TempDir()
	path := filepath.Join(dir, "payload-keys")
	if err := os.WriteFile(path, []byte("# hookstep payload keys\nfile-1:"+key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOOKSTEP_PAYLOAD_KEYS", "env-1:"+key)
	t.Setenv("HOOKSTEP_PAYLOAD_KEY_FILE", "")
	if c, err := FromEnv(); err != nil || c.CurrentKeyID() != "env-1" {
		t.Errorf("variable: %v %v", c, err)
	}
	t.Setenv("HOOKSTEP_PAYLOAD_KEY_FILE", path)
	if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("both: %v", err)
	}
	t.Setenv("HOOKSTEP_PAYLOAD_KEYS", "")
	if c, err := FromEnv(); err != nil || c.CurrentKeyID() != "file-1" {
		t.Errorf("file: %v %v", c, err)
	}
	t.Setenv("HOOKSTEP_PAYLOAD_KEY_FILE", "")
	t.Chdir(dir)
	DevKeyFile = "payload-keys"
	defer func() { DevKeyFile = filepath.Join(".hookstep", "payload-keys") }()
	if c, err := FromEnv(); err != nil || c.CurrentKeyID() != "file-1" {
		t.Errorf("dev key file: %v %v", c, err)
	}
	DevKeyFile = "missing"
	if _, err := FromEnv(); !errors.Is(err, ErrKeyConfig) {
		t.Errorf("none: %v", err)
	}
}
