// Package hookstepcodec is hookstep's payload codec for the Temporal Go SDK: it reads and writes what hookstep
// encrypts (step inputs, results, failure details), so a Go client can start sendWebhook by name and read its result
// and failures:
//
//	codec, err := hookstepcodec.FromEnv() // HOOKSTEP_PAYLOAD_KEYS, HOOKSTEP_PAYLOAD_KEY_FILE or .hookstep/payload-keys
//	c, err := client.Dial(client.Options{
//		DataConverter:    codec.DataConverter(),
//		FailureConverter: codec.FailureConverter(), // without it, failure details stay encrypted
//	})
//
// The format (src/codec/codec.ts in hookstep is the reference; clients/payload-codec-vectors.json holds known answers
// that the TypeScript, Python and Go codecs all pass): the whole Payload, serialized as protobuf, is encrypted with
// AES-256-GCM under the current key (the first listed) with a fresh random 12-byte nonce and the key id as additional
// authenticated data. The encrypted payload's data is nonce || ciphertext || 16-byte tag, its metadata
// "encoding: binary/encrypted" and "encryption-key-id: <key id>". Payloads of any other encoding (runs from before
// encryption was on) pass through Decode.
//
// Keys are "keyId:base64key" entries (32-byte keys, standard or URL-safe base64), separated by commas or new lines,
// "#" starting a comment line; the first encrypts, every one decrypts (rotation).
package hookstepcodec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

const (
	// EncryptedEncoding is the encoding metadata of an encrypted payload.
	EncryptedEncoding = "binary/encrypted"
	// KeyIDMetadata names the key a payload was encrypted with.
	KeyIDMetadata = "encryption-key-id"
	// KeyBytes is the size of an AES-256 key.
	KeyBytes   = 32
	nonceBytes = 12
	tagBytes   = 16
)

// DevKeyFile is where `hookstep dev` (npm start) writes the key it generates, relative to the directory it ran in.
var DevKeyFile = filepath.Join(".hookstep", "payload-keys")

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ErrKeyConfig wraps every error about missing or malformed keys; messages name the variable or file, never a key.
var ErrKeyConfig = errors.New("hookstep payload keys")

// ErrUndecryptable wraps every payload that does not decrypt: a key this process lacks, or altered data.
var ErrUndecryptable = errors.New("hookstep payload does not decrypt")

// Codec is hookstep's AES-256-GCM payload codec: it encrypts with the current key and decrypts with any key of the
// ring. It implements converter.PayloadCodec.
type Codec struct {
	currentID string
	aeads     map[string]cipher.AEAD
	source    string
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New makes a codec from key ids and 32-byte keys; currentID names the key new payloads are encrypted with.
func New(keys map[string][]byte, currentID, source string) (*Codec, error) {
	if _, ok := keys[currentID]; !ok {
		return nil, fmt.Errorf("%w: %s: the current key %q is not among the keys", ErrKeyConfig, source, currentID)
	}
	aeads := make(map[string]cipher.AEAD, len(keys))
	for id, key := range keys {
		if len(key) != KeyBytes {
			return nil, fmt.Errorf("%w: %s: key %q must be %d bytes", ErrKeyConfig, source, id, KeyBytes)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		aeads[id] = aead
	}
	return &Codec{currentID: currentID, aeads: aeads, source: source}, nil
}

// DataConverter is the SDK's default data converter with this codec: workflow inputs and results.
func (c *Codec) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter is the SDK's default failure converter reading failure details through this codec. The Go SDK's
// client does not derive it from DataConverter: with the default one, ApplicationError.Details fails with "payload
// encoding is not supported" on every hookstep failure.
func (c *Codec) FailureConverter() converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{DataConverter: c.DataConverter()})
}

// CurrentKeyID is the id of the key new payloads are encrypted with.
func (c *Codec) CurrentKeyID() string { return c.currentID }

// ParseKeyList reads "id:base64,id2:base64" (commas or new lines, "#" comment lines); where names the source.
func ParseKeyList(text, where string) (*Codec, error) {
	var entries []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, e := range strings.Split(line, ",") {
			if e = strings.TrimSpace(e); e != "" {
				entries = append(entries, e)
			}
		}
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("%w: %s holds no key: expected keyId:base64key", ErrKeyConfig, where)
	}
	keys := map[string][]byte{}
	var first string
	var issues []string
	for i, entry := range entries {
		id, encoded, found := strings.Cut(entry, ":")
		if !found || !keyIDPattern.MatchString(id) {
			issues = append(issues, fmt.Sprintf(
				"%s: entry %d must be keyId:base64key, the id of letters, digits, '.', '_' or '-'", where, i+1))
			continue
		}
		key := decodeKey(encoded)
		switch {
		case key == nil:
			issues = append(issues, fmt.Sprintf(
				"%s: key %q must be %d bytes in base64 (openssl rand -base64 32)", where, id, KeyBytes))
		case keys[id] != nil:
			issues = append(issues, fmt.Sprintf("%s: key id %q is listed twice", where, id))
		default:
			keys[id] = key
			if first == "" {
				first = id
			}
		}
	}
	if len(issues) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrKeyConfig, strings.Join(issues, "; "))
	}
	return New(keys, first, where)
}

// decodeKey reads canonical base64, standard or URL-safe, padding optional; nil unless it is 32 bytes.
func decodeKey(text string) []byte {
	normal := strings.NewReplacer("-", "+", "_", "/").Replace(strings.TrimSpace(text))
	normal += strings.Repeat("=", (4-len(normal)%4)%4)
	key, err := base64.StdEncoding.Strict().DecodeString(normal)
	if err != nil || len(key) != KeyBytes || base64.StdEncoding.EncodeToString(key) != normal {
		return nil
	}
	return key
}

// FromKeyFile reads a key file such as the one `hookstep dev` writes.
func FromKeyFile(path string) (*Codec, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot read the key file %s: %v", ErrKeyConfig, path, err)
	}
	return ParseKeyList(string(text), path)
}

// FromEnv reads the keys hookstep itself would use: HOOKSTEP_PAYLOAD_KEYS, else HOOKSTEP_PAYLOAD_KEY_FILE, else the
// key file `hookstep dev` wrote in the current directory. With none, an error: a hookstep with no key stores payloads
// in clear, and the SDK's default data converter reads them without a codec.
func FromEnv() (*Codec, error) {
	keys, file := os.Getenv("HOOKSTEP_PAYLOAD_KEYS"), os.Getenv("HOOKSTEP_PAYLOAD_KEY_FILE")
	switch {
	case keys != "" && file != "":
		return nil, fmt.Errorf("%w: set HOOKSTEP_PAYLOAD_KEYS or HOOKSTEP_PAYLOAD_KEY_FILE, not both", ErrKeyConfig)
	case keys != "":
		return ParseKeyList(keys, "HOOKSTEP_PAYLOAD_KEYS")
	case file != "":
		return FromKeyFile(file)
	}
	if _, err := os.Stat(DevKeyFile); err == nil {
		return FromKeyFile(DevKeyFile)
	}
	return nil, fmt.Errorf("%w: no payload key: set HOOKSTEP_PAYLOAD_KEYS or HOOKSTEP_PAYLOAD_KEY_FILE as the "+
		"hookstep worker has it, or run where `hookstep dev` wrote %s", ErrKeyConfig, DevKeyFile)
}

// Encode encrypts each payload with the current key.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		nonce := make([]byte, nonceBytes)
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		encrypted, err := c.encrypt(p, nonce)
		if err != nil {
			return nil, err
		}
		out[i] = encrypted
	}
	return out, nil
}

// encrypt takes the nonce from its caller so tests can check known answers; never reuse one under a key.
func (c *Codec) encrypt(p *commonpb.Payload, nonce []byte) (*commonpb.Payload, error) {
	plain, err := proto.Marshal(p)
	if err != nil {
		return nil, err
	}
	id := c.currentID
	data := c.aeads[id].Seal(append([]byte{}, nonce...), nonce, plain, []byte(id))
	return &commonpb.Payload{
		Metadata: map[string][]byte{"encoding": []byte(EncryptedEncoding), KeyIDMetadata: []byte(id)},
		Data:     data,
	}, nil
}

// Decode decrypts each payload hookstep encrypted and returns any other as it is.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		decoded, err := c.decrypt(p)
		if err != nil {
			return nil, err
		}
		out[i] = decoded
	}
	return out, nil
}

func (c *Codec) decrypt(p *commonpb.Payload) (*commonpb.Payload, error) {
	if string(p.GetMetadata()["encoding"]) != EncryptedEncoding {
		return p, nil
	}
	id := string(p.GetMetadata()[KeyIDMetadata])
	aead, ok := c.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%w: payload encrypted with key %q, which is not among this process's keys (%s); "+
			"add it to HOOKSTEP_PAYLOAD_KEYS or the key file after the current key", ErrUndecryptable, id, c.source)
	}
	data := p.GetData()
	if len(data) < nonceBytes+tagBytes {
		return nil, fmt.Errorf("%w: payload under key %q is truncated", ErrUndecryptable, id)
	}
	plain, err := aead.Open(nil, data[:nonceBytes], data[nonceBytes:], []byte(id))
	if err != nil {
		return nil, fmt.Errorf("%w: payload under key %q does not decrypt: a different key with that id, or altered data",
			ErrUndecryptable, id)
	}
	decoded := &commonpb.Payload{}
	if err := proto.Unmarshal(plain, decoded); err != nil {
		return nil, fmt.Errorf("%w: payload under key %q decrypts to no Payload: %v", ErrUndecryptable, id, err)
	}
	return decoded, nil
}
