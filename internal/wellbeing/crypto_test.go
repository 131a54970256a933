package wellbeing_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goodshift/goodshift/internal/wellbeing"
)

func mustKeyring(t *testing.T, keys ...string) *wellbeing.Keyring {
	t.Helper()
	raw, err := wellbeing.ParseKeys(strings.Join(keys, ","))
	if err != nil {
		t.Fatal(err)
	}
	k, err := wellbeing.NewKeyring(raw...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	oldKey, newKey := wellbeing.NewKey(), wellbeing.NewKey()
	k := mustKeyring(t, oldKey)
	secret := "I find loud open-plan offices hard"
	c, err := k.Seal([]byte(secret), "wellbeing_notes/1/body")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c, secret) || !strings.HasPrefix(c, "gw1."+k.PrimaryID()+".") {
		t.Fatalf("ciphertext %q", c)
	}
	c2, _ := k.Seal([]byte(secret), "wellbeing_notes/1/body")
	if c == c2 {
		t.Error("two seals of the same text are equal: the nonce is not random")
	}
	got, err := k.Open(c, "wellbeing_notes/1/body")
	if err != nil || string(got) != secret {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := k.Open(c, "wellbeing_notes/2/body"); err == nil {
		t.Error("a ciphertext opened in another row")
	}
	tampered := c[:len(c)-2] + "AA"
	if _, err := k.Open(tampered, "wellbeing_notes/1/body"); err == nil {
		t.Error("a tampered ciphertext opened")
	}
	for _, bad := range []string{"", "plain text", "gw1.", "gw1.abc", "gw1.abc.!!!", "gw1." + k.PrimaryID() + ".AA"} {
		if _, err := k.Open(bad, "x"); err == nil {
			t.Errorf("Open(%q) succeeded", bad)
		}
	}
	// A keyring with a new primary and the old key opens both; one
	// without the old key refuses old ciphertexts.
	both := mustKeyring(t, newKey, oldKey)
	if got, err := both.Open(c, "wellbeing_notes/1/body"); err != nil || string(got) != secret {
		t.Errorf("rotated keyring: %q %v", got, err)
	}
	c3, _ := both.Seal([]byte(secret), "a")
	if id, _ := wellbeing.CiphertextKeyID(c3); id == k.PrimaryID() {
		t.Error("new content sealed under the old key")
	}
	if _, err := mustKeyring(t, newKey).Open(c, "wellbeing_notes/1/body"); err == nil {
		t.Error("opened without the key")
	}
}

func TestParseKeys(t *testing.T) {
	for _, bad := range []string{"", "  ", "not base64", "c2hvcnQ="} {
		if _, err := wellbeing.ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		}
	}
	keys, err := wellbeing.ParseKeys(wellbeing.NewKey() + ", " + wellbeing.NewKey() + "\n")
	if err != nil || len(keys) != 2 {
		t.Fatalf("%d keys, %v", len(keys), err)
	}
	if _, err := wellbeing.LoadKeyring(wellbeing.KeySource{Env: "nope"}, nil); err == nil || strings.Contains(err.Error(), "nope") {
		t.Errorf("bad env key: %v (must not echo the value)", err)
	}
}

func TestDevKeyFile(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	k1, err := wellbeing.LoadKeyring(wellbeing.KeySource{DataDir: dir}, newLogger(&logs))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, wellbeing.DevKeyFile)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	if !strings.Contains(logs.String(), "GOODSHIFT_WELLBEING_KEY is not set") {
		t.Errorf("no warning logged: %s", logs.String())
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(logs.String(), strings.TrimSpace(string(b))) {
		t.Error("the key was logged")
	}
	k2, err := wellbeing.LoadKeyring(wellbeing.KeySource{DataDir: dir}, nil)
	if err != nil || k2.PrimaryID() != k1.PrimaryID() {
		t.Fatalf("second load made another key: %v", err)
	}
	// Rotation in another process: the running keyring re-reads the file
	// when it meets a ciphertext under a key it does not know.
	c, _ := k1.Seal([]byte("x"), "a")
	other, _ := wellbeing.LoadKeyring(wellbeing.KeySource{File: path}, nil)
	if err := other.AddPrimaryToFile(wellbeing.NewKey()); err != nil {
		t.Fatal(err)
	}
	c2, _ := other.Seal([]byte("y"), "a")
	if got, err := k1.Open(c2, "a"); err != nil || string(got) != "y" {
		t.Fatalf("running keyring cannot read the new key: %v", err)
	}
	if got, err := other.Open(c, "a"); err != nil || string(got) != "x" {
		t.Fatalf("old key lost: %v", err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("rotated key file mode %v", st.Mode())
	}
}

// FuzzOpen: no input, however malformed, makes Open panic or succeed
// without the key; ParseKeys never panics.
func FuzzOpen(f *testing.F) {
	raw, _ := wellbeing.ParseKeys(wellbeing.NewKey())
	k, _ := wellbeing.NewKeyring(raw...)
	good, _ := k.Seal([]byte("hello"), "a")
	for _, s := range []string{good, "", "gw1.", "gw1.x.", "gw1." + k.PrimaryID() + ".AAAA", good[:len(good)-1] + "B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, c string) {
		got, err := k.Open(c, "a")
		if err == nil && c != good && string(got) != "hello" {
			t.Fatalf("opened a forged ciphertext %q", c)
		}
		_, _ = wellbeing.ParseKeys(c)
		_, _ = wellbeing.CiphertextKeyID(c)
	})
}
