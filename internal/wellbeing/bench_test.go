package wellbeing_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/wellbeing"
)

// BenchmarkSealOpen is one note of about 1 KB sealed and opened.
func BenchmarkSealOpen(b *testing.B) {
	raw, _ := wellbeing.ParseKeys(wellbeing.NewKey())
	k, _ := wellbeing.NewKeyring(raw...)
	text := []byte(strings.Repeat("Talked about the early shifts. ", 32))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		c, err := k.Seal(text, "wellbeing_notes/x/body")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := k.Open(c, "wellbeing_notes/x/body"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReencrypt re-encrypts 1,000 notes (and a plan) under a new key on
// SQLite, the work `goodshift wellbeing rotate-key` does.
func BenchmarkReencrypt(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := dbtest.SQLite(b, migrations...)
			if engine == "postgres" {
				db = dbtest.Postgres(b, migrations...)
			}
			f := setup(b, db)
			ctx := context.Background()
			for i := range 1000 {
				if _, err := f.svc.AddNote(ctx, f.jo, f.sam.ID, wellbeing.NoteInput{Date: civil.D(2026, 11, 20), Kind: "check_in", Text: fmt.Sprintf("note %d %s", i, strings.Repeat("x", 400))}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				if err := f.svc.Keys().AddPrimaryToFile(wellbeing.NewKey()); err == nil {
					b.Fatal("keyring unexpectedly from a file")
				}
				newKeys := append([]string{wellbeing.NewKey()}, f.keys...)
				raw, _ := wellbeing.ParseKeys(strings.Join(newKeys, ","))
				k, _ := wellbeing.NewKeyring(raw...)
				f.keys = newKeys
				svc := f.with(k)
				b.StartTimer()
				r, err := svc.Reencrypt(ctx)
				if err != nil || r.Remaining != 0 || r.Reencrypted < 1000 {
					b.Fatalf("%+v %v", r, err)
				}
			}
		})
	}
}
