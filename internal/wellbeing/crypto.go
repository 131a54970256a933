package wellbeing

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Ciphertexts are text, so they fit a TEXT column on both databases:
//
//	gw1.<key id>.<base64url(nonce || AES-256-GCM sealed data)>
//
// The key ID is the first 8 bytes (16 hex digits) of SHA-256 over a fixed
// label and the key, so it names a key without revealing it. The additional
// data binds a ciphertext to its table, row and column: a ciphertext copied
// into another row does not open.
const cipherPrefix = "gw1."

// ErrNoKey is returned for a ciphertext under a key the keyring does not hold.
var ErrNoKey = errors.New("wellbeing: ciphertext is under a key this keyring does not hold")

// Keyring holds the wellbeing content keys: one primary that seals new
// content, and older keys kept to open content not yet re-encrypted. A
// keyring loaded from a key file re-reads the file when it meets an unknown
// key ID, so a running server keeps reading while `goodshift wellbeing
// rotate-key` re-encrypts under a new key.
type Keyring struct {
	mu      sync.RWMutex
	primary string
	aeads   map[string]cipher.AEAD
	file    string // reloaded on an unknown key ID; "" when from the environment
}

// KeyID names a key without revealing it.
func KeyID(key []byte) string {
	h := sha256.New()
	h.Write([]byte("goodshift wellbeing key id\x00"))
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// NewKeyring builds a keyring from raw 32-byte keys; the first is primary.
func NewKeyring(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("wellbeing: a keyring needs at least one key")
	}
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, key := range keys {
		if len(key) != 32 {
			return nil, fmt.Errorf("wellbeing: key %d is %d bytes; AES-256 needs 32", i+1, len(key))
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(key)
		if i == 0 {
			k.primary = id
		}
		k.aeads[id] = aead
	}
	return k, nil
}

// ParseKeys reads base64 keys separated by commas, spaces or newlines (the
// form of GOODSHIFT_WELLBEING_KEY and of a key file); the first is primary.
func ParseKeys(s string) ([][]byte, error) {
	var out [][]byte
	for i, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' || r == '\t' }) {
		b, err := base64.StdEncoding.DecodeString(f)
		if err != nil || len(b) != 32 {
			return nil, fmt.Errorf("wellbeing key %d is not a base64 32-byte key (make one with: openssl rand -base64 32)", i+1)
		}
		out = append(out, b)
	}
	if len(out) == 0 {
		return nil, errors.New("no wellbeing key given")
	}
	return out, nil
}

// PrimaryID is the ID of the key that seals new content.
func (k *Keyring) PrimaryID() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.primary
}

// KeyIDs lists the IDs of every key held, primary first.
func (k *Keyring) KeyIDs() []string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := []string{k.primary}
	for id := range k.aeads {
		if id != k.primary {
			out = append(out, id)
		}
	}
	return out
}

// Seal encrypts plaintext under the primary key, bound to aad.
func (k *Keyring) Seal(plaintext []byte, aad string) (string, error) {
	k.mu.RLock()
	id, aead := k.primary, k.aeads[k.primary]
	k.mu.RUnlock()
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := aead.Seal(nonce, nonce, plaintext, []byte(aad))
	return cipherPrefix + id + "." + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open decrypts a ciphertext made by Seal with the same aad.
func (k *Keyring) Open(ciphertext, aad string) ([]byte, error) {
	id, data, err := splitCiphertext(ciphertext)
	if err != nil {
		return nil, err
	}
	aead, err := k.aead(id)
	if err != nil {
		return nil, err
	}
	if len(data) < aead.NonceSize() {
		return nil, errors.New("wellbeing: ciphertext is too short")
	}
	out, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(aad))
	if err != nil {
		return nil, errors.New("wellbeing: ciphertext does not open (wrong key, row or tampering)")
	}
	return out, nil
}

// CiphertextKeyID is the ID of the key a ciphertext was sealed under.
func CiphertextKeyID(ciphertext string) (string, error) {
	id, _, err := splitCiphertext(ciphertext)
	return id, err
}

func splitCiphertext(c string) (id string, data []byte, err error) {
	rest, ok := strings.CutPrefix(c, cipherPrefix)
	if !ok {
		return "", nil, errors.New("wellbeing: not a wellbeing ciphertext")
	}
	id, enc, ok := strings.Cut(rest, ".")
	if !ok {
		return "", nil, errors.New("wellbeing: ciphertext has no key ID")
	}
	data, err = base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", nil, errors.New("wellbeing: ciphertext is not base64")
	}
	return id, data, nil
}

func (k *Keyring) aead(id string) (cipher.AEAD, error) {
	k.mu.RLock()
	aead, ok := k.aeads[id]
	file := k.file
	k.mu.RUnlock()
	if ok {
		return aead, nil
	}
	if file == "" {
		return nil, ErrNoKey
	}
	// A key file may have been rotated by another process: re-read it.
	fresh, err := readKeyFile(file)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.primary, k.aeads = fresh.primary, fresh.aeads
	if aead, ok := k.aeads[id]; ok {
		return aead, nil
	}
	return nil, ErrNoKey
}

func readKeyFile(path string) (*Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	keys, err := ParseKeys(string(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	k, err := NewKeyring(keys...)
	if err != nil {
		return nil, err
	}
	k.file = path
	return k, nil
}

// KeySource says where the keys come from.
type KeySource struct {
	// Env is GOODSHIFT_WELLBEING_KEY: base64 keys, comma-separated, primary first.
	Env string
	// File is a key file (one base64 key a line, primary first); used when
	// Env is empty.
	File string
	// DataDir holds the development key file (wellbeing.key) used when
	// neither is set; it is created with mode 0600 and a warning.
	DataDir string
}

// DevKeyFile is the name of the development key file in the data directory.
const DevKeyFile = "wellbeing.key"

// LoadKeyring reads the keys from src. Nothing about the keys is logged
// except their IDs.
func LoadKeyring(src KeySource, logger *slog.Logger) (*Keyring, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if strings.TrimSpace(src.Env) != "" {
		keys, err := ParseKeys(src.Env)
		if err != nil {
			return nil, fmt.Errorf("GOODSHIFT_WELLBEING_KEY: %w", err)
		}
		return NewKeyring(keys...)
	}
	if src.File != "" {
		return readKeyFile(src.File)
	}
	if src.DataDir == "" {
		return nil, errors.New("wellbeing: no key: set GOODSHIFT_WELLBEING_KEY or GOODSHIFT_WELLBEING_KEY_FILE")
	}
	path := filepath.Join(src.DataDir, DevKeyFile)
	created, err := ensureKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("wellbeing development key file: %w", err)
	}
	if created {
		logger.Warn("GOODSHIFT_WELLBEING_KEY is not set: created a development key file for wellbeing content; set the variable (or GOODSHIFT_WELLBEING_KEY_FILE) in production and keep the key out of the database backups", "file", path)
	}
	return readKeyFile(path)
}

// ensureKeyFile creates path with one new key (mode 0600) unless it exists.
func ensureKeyFile(path string) (bool, error) {
	if _, err := os.Stat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil // another process made it first
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if _, err := f.WriteString(NewKey() + "\n"); err != nil {
		return false, err
	}
	return true, f.Sync()
}

// NewKey returns a fresh random key, base64-encoded.
func NewKey() string {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic(errors.New("wellbeing: crypto/rand failed: " + err.Error()))
	}
	return base64.StdEncoding.EncodeToString(k)
}

// File is the key file the keyring was read from ("" when from the environment).
func (k *Keyring) File() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.file
}

// AddPrimaryToFile writes a new key at the top of the keyring's key file,
// keeping the old keys below it, and makes it this keyring's primary. The
// file is replaced atomically (write, sync, rename), mode 0600.
func (k *Keyring) AddPrimaryToFile(newKey string) error {
	k.mu.Lock()
	file := k.file
	k.mu.Unlock()
	if file == "" {
		return errors.New("the keys come from GOODSHIFT_WELLBEING_KEY, not a file: put the new key first in the variable instead")
	}
	old, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	content := newKey + "\n" + strings.TrimSpace(string(old)) + "\n"
	if _, err := ParseKeys(content); err != nil {
		return err
	}
	if err := writeKeyFile(file, content); err != nil {
		return err
	}
	fresh, err := readKeyFile(file)
	if err != nil {
		return err
	}
	k.mu.Lock()
	k.primary, k.aeads = fresh.primary, fresh.aeads
	k.mu.Unlock()
	return nil
}

// RetireOldKeysInFile rewrites the key file with only the primary key. Run
// it only after Reencrypt reports nothing remaining under older keys.
func (k *Keyring) RetireOldKeysInFile() error {
	k.mu.RLock()
	file, primary := k.file, k.primary
	k.mu.RUnlock()
	if file == "" {
		return errors.New("the keys come from GOODSHIFT_WELLBEING_KEY, not a file: remove the old keys from the variable instead")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	keys, err := ParseKeys(string(b))
	if err != nil {
		return err
	}
	for _, key := range keys {
		if KeyID(key) == primary {
			return writeKeyFile(file, base64.StdEncoding.EncodeToString(key)+"\n")
		}
	}
	return errors.New("the key file no longer holds this keyring's primary key")
}

func writeKeyFile(file, content string) error {
	tmp := file + ".new"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}
