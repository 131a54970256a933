package notifytest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/hkdf"
)

// PushService is a stand-in Web Push service on 127.0.0.1. It hands out
// subscriptions as a browser would (its own P-256 key pair and auth secret
// for each), and for every push it receives it checks the VAPID signature
// (RFC 8292) and decrypts the payload (RFC 8291, aes128gcm as in RFC 8188)
// with its own code — golang.org/x/crypto/hkdf and crypto/ecdh, nothing
// shared with the sender's library. It answers each endpoint with the
// status the test sets (201 by default).
type PushService struct {
	URL string

	mu       sync.Mutex
	subs     map[string]*pushSub
	received []Push
	rejected []string // why a push could not be read
}

type pushSub struct {
	key     *ecdh.PrivateKey
	auth    []byte
	answers []int // next statuses to answer; the last one repeats
}

// Push is one push the service received and decrypted.
type Push struct {
	Endpoint string
	Payload  []byte
	// VAPID is what the signed token said.
	Audience, Subject string
	TTL               string
}

// StartPushService starts the stand-in until the test ends.
func StartPushService(t testing.TB) *PushService {
	t.Helper()
	s := &PushService{subs: map[string]*pushSub{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Subscription is a new subscription as PushSubscription.toJSON() gives it.
type Subscription struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// Subscribe makes a subscription whose endpoint answers with statuses in
// turn (the last one from then on); none means 201.
func (s *PushService) Subscribe(t testing.TB, statuses ...int) Subscription {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	auth := make([]byte, 16)
	_, _ = rand.Read(auth)
	idb := make([]byte, 12)
	_, _ = rand.Read(idb)
	id := base64.RawURLEncoding.EncodeToString(idb)
	if len(statuses) == 0 {
		statuses = []int{http.StatusCreated}
	}
	s.mu.Lock()
	s.subs[id] = &pushSub{key: key, auth: auth, answers: statuses}
	s.mu.Unlock()
	var sub Subscription
	sub.Endpoint = s.URL + "/push/" + id
	sub.Keys.P256dh = base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes())
	sub.Keys.Auth = base64.RawURLEncoding.EncodeToString(auth)
	return sub
}

// Received is every push decrypted so far, in order of arrival.
func (s *PushService) Received() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Push(nil), s.received...)
}

// Rejected lists pushes that could not be verified or decrypted.
func (s *PushService) Rejected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.rejected...)
}

// To is the pushes received at one endpoint.
func (s *PushService) To(endpoint string) []Push {
	var out []Push
	for _, p := range s.Received() {
		if p.Endpoint == endpoint {
			out = append(out, p)
		}
	}
	return out
}

func (s *PushService) serve(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/push/")
	s.mu.Lock()
	sub := s.subs[id]
	var status int
	if sub != nil {
		status = sub.answers[0]
		if len(sub.answers) > 1 {
			sub.answers = sub.answers[1:]
		}
	}
	s.mu.Unlock()
	if !ok || sub == nil || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	if status < 200 || status >= 300 {
		w.WriteHeader(status)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8192))
	p, err := s.read(r, sub, body)
	s.mu.Lock()
	if err != nil {
		s.rejected = append(s.rejected, err.Error())
	} else {
		p.Endpoint = s.URL + r.URL.Path
		s.received = append(s.received, p)
	}
	s.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(status)
}

// read checks the VAPID token and decrypts the body.
func (s *PushService) read(r *http.Request, sub *pushSub, body []byte) (Push, error) {
	if r.Header.Get("Content-Encoding") != "aes128gcm" {
		return Push{}, fmt.Errorf("content encoding %q, want aes128gcm", r.Header.Get("Content-Encoding"))
	}
	p := Push{TTL: r.Header.Get("TTL")}
	if err := verifyVAPID(r.Header.Get("Authorization"), s.URL, &p); err != nil {
		return Push{}, err
	}
	plain, err := Decrypt(sub.key, sub.auth, body)
	if err != nil {
		return Push{}, err
	}
	p.Payload = plain
	return p, nil
}

// verifyVAPID checks "vapid t=<JWT>, k=<public key>": an ES256 token
// signed by k, for this origin, with a subject.
func verifyVAPID(h, origin string, p *Push) error {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return fmt.Errorf("authorization header %q is not vapid", h)
	}
	var token, k string
	for _, part := range strings.Split(rest, ",") {
		kv := strings.SplitN(strings.TrimSpace(part), "=", 2)
		if len(kv) != 2 {
			continue
		}
		switch kv[0] {
		case "t":
			token = kv[1]
		case "k":
			k = kv[1]
		}
	}
	kb, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		return fmt.Errorf("vapid k: %w", err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), kb)
	if err != nil {
		return fmt.Errorf("vapid k: %w", err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("vapid t is not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return errors.New("vapid signature is not 64 bytes")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("vapid signature does not verify")
	}
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return err
	}
	var c struct {
		Aud string `json:"aud"`
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	if err := json.Unmarshal(claims, &c); err != nil {
		return err
	}
	if c.Aud != origin || c.Sub == "" || c.Exp == 0 {
		return fmt.Errorf("vapid claims %+v (origin %s)", c, origin)
	}
	p.Audience, p.Subject = c.Aud, c.Sub
	return nil
}

// Decrypt opens an RFC 8291 message for the subscription holding ua (the
// user agent's private key) and auth (its auth secret).
func Decrypt(ua *ecdh.PrivateKey, auth, body []byte) ([]byte, error) {
	// RFC 8188 header: salt (16) | rs (4) | idlen (1) | keyid (idlen).
	if len(body) < 21 {
		return nil, errors.New("body shorter than the aes128gcm header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idlen || idlen != 65 {
		return nil, fmt.Errorf("keyid of %d bytes, want the sender's 65-byte public key", idlen)
	}
	asPub, err := ecdh.P256().NewPublicKey(body[21 : 21+idlen])
	if err != nil {
		return nil, err
	}
	ciphertext := body[21+idlen:]
	if uint32(len(ciphertext)) > rs {
		return nil, fmt.Errorf("%d bytes in one record of size %d", len(ciphertext), rs)
	}
	secret, err := ua.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	// RFC 8291 section 3.4: IKM from the shared secret and the auth secret.
	info := append([]byte("WebPush: info\x00"), ua.PublicKey().Bytes()...)
	info = append(info, asPub.Bytes()...)
	ikm := make([]byte, 32)
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, hkdf.Extract(sha256.New, secret, auth), info), ikm); err != nil {
		return nil, err
	}
	// RFC 8188 section 2.2 and 2.3: the content key and nonce.
	prk := hkdf.Extract(sha256.New, ikm, salt)
	cek, nonce := make([]byte, 16), make([]byte, 12)
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, prk, []byte("Content-Encoding: aes128gcm\x00")), cek); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(hkdf.Expand(sha256.New, prk, []byte("Content-Encoding: nonce\x00")), nonce); err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	// The last record ends with the delimiter 0x02 and then zero padding.
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 || plain[i] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:i], nil
}
