package config

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// VAPIDKeyFile is the development VAPID key file in the data directory.
const VAPIDKeyFile = "vapid.key"

// NewVAPIDPrivateKey makes a P-256 private key, base64url without padding
// (the form Web Push libraries and GOODSHIFT_VAPID_PRIVATE_KEY use).
func NewVAPIDPrivateKey() (string, error) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(k.Bytes()), nil
}

// VAPIDPublicKey derives the public key (uncompressed point, base64url)
// browsers subscribe with from a base64url private key.
func VAPIDPublicKey(private string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(private), "="))
	if err != nil {
		return "", err
	}
	k, err := ecdh.P256().NewPrivateKey(b)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()), nil
}

// DevVAPIDKeys returns a VAPID key pair kept in the data directory,
// creating it (mode 0600) on first use, for development and demos;
// production sets GOODSHIFT_VAPID_PRIVATE_KEY. Every process sharing the
// data directory uses the same pair.
func DevVAPIDKeys(dataDir string) (private, public string, created bool, err error) {
	path := filepath.Join(dataDir, VAPIDKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		private = strings.TrimSpace(string(b))
		public, err = VAPIDPublicKey(private)
		if err != nil {
			return "", "", false, fmt.Errorf("%s does not hold a VAPID private key", path)
		}
		return private, public, false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", "", false, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", "", false, err
	}
	private, err = NewVAPIDPrivateKey()
	if err != nil {
		return "", "", false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process won the race: use its pair
		return DevVAPIDKeys(dataDir)
	}
	if err != nil {
		return "", "", false, err
	}
	defer f.Close()
	if _, err := f.WriteString(private + "\n"); err != nil {
		return "", "", false, err
	}
	public, err = VAPIDPublicKey(private)
	return private, public, true, err
}
