package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/peterldowns/pgtestdb"

	"github.com/goodshift/goodshift/internal/app"
	"github.com/goodshift/goodshift/internal/auth"
	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/people"
	"github.com/goodshift/goodshift/internal/wellbeing"
)

func (te *testEnv) env() env {
	return env{
		getenv: func(k string) string { return te.vars[k] },
		stdin:  strings.NewReader(""), stdout: te.stdout, stderr: te.stderr,
		now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) },
	}
}

// openApp builds the application as a command would, on the test's data.
func (te *testEnv) openApp(t *testing.T) *app.App {
	t.Helper()
	rt, err := open(t.Context(), te.env())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.close)
	a, err := rt.app(te.env())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func principal(t *testing.T, a *app.App, email string) auth.Principal {
	t.Helper()
	p, err := a.People.ByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return p.Principal()
}

// readAll reads Sam's plan and notes, failing if anything does not open.
func readAll(t *testing.T, a *app.App) (plan wellbeing.Plan, notes []wellbeing.Note) {
	t.Helper()
	ctx := context.Background()
	sam := principal(t, a, "sam@goodshift.example")
	plan, err := a.Wellbeing.Plan(ctx, sam, sam.ID)
	if err != nil {
		t.Fatalf("read plan: %v", err)
	}
	notes, err = a.Wellbeing.Notes(ctx, sam, sam.ID)
	if err != nil {
		t.Fatalf("read notes: %v", err)
	}
	return plan, notes
}

func eachDatabase(t *testing.T, fn func(t *testing.T, url string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "") })
	t.Run("postgres", func(t *testing.T) {
		conf := pgtestdb.Custom(t, dbtest.ServerConfig(t), pgtestdb.NoopMigrator{})
		fn(t, conf.URL())
	})
}

// TestWellbeingRotateKeyAndPurge: with the development key file, rotate-key
// --new-key re-encrypts everything under a new key while everything stays
// readable (also to a server that loaded the old file), --retire-old-keys
// drops the old key, and purge deletes the records of people who left long
// ago and logs the count.
func TestWellbeingRotateKeyAndPurge(t *testing.T) {
	eachDatabase(t, func(t *testing.T, url string) {
		ctx := context.Background()
		te := newTestEnv(t, url)
		if err := te.run(ctx, "", "seed", "--demo"); err != nil {
			t.Fatal(err)
		}
		keyFile := filepath.Join(te.vars["GOODSHIFT_DATA_DIR"], wellbeing.DevKeyFile)
		if st, err := os.Stat(keyFile); err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("development key file: %v %v", st, err)
		}
		if !strings.Contains(te.stderr.String(), "GOODSHIFT_WELLBEING_KEY is not set") {
			t.Error("no warning about the development key file")
		}
		running := te.openApp(t) // a server that keeps running through the rotation
		sam, jo := principal(t, running, "sam@goodshift.example"), principal(t, running, "jo@goodshift.example")
		if err := running.Wellbeing.Assign(ctx, jo.ID, sam.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := running.Wellbeing.SavePlan(ctx, sam, sam.ID, wellbeing.PlanInput{Sections: wellbeing.Sections{StayWell: "ROTATEMARK walks"}, Summary: "ROTATEMARK summary"}); err != nil {
			t.Fatal(err)
		}
		if _, err := running.Wellbeing.AddNote(ctx, jo, sam.ID, wellbeing.NoteInput{Date: civil.D(2026, 11, 20), Kind: "call", Text: "ROTATEMARK note"}); err != nil {
			t.Fatal(err)
		}
		oldID := running.Wellbeing.Keys().PrimaryID()

		if err := te.run(ctx, "", "wellbeing", "rotate-key", "--new-key"); err != nil {
			t.Fatalf("rotate-key: %v\n%s", err, te.stderr.String())
		}
		if !strings.Contains(te.stdout.String(), "remain under older keys") || !strings.Contains(te.stdout.String(), " 0 remain") {
			t.Errorf("rotate-key output: %s", te.stdout.String())
		}
		fresh := te.openApp(t)
		newID := fresh.Wellbeing.Keys().PrimaryID()
		if newID == oldID || len(fresh.Wellbeing.Keys().KeyIDs()) != 2 {
			t.Fatalf("key file after rotation: primary %s (was %s), %d keys", newID, oldID, len(fresh.Wellbeing.Keys().KeyIDs()))
		}
		for _, a := range []*app.App{fresh, running} {
			plan, notes := readAll(t, a)
			if plan.StayWell != "ROTATEMARK walks" || plan.Summary != "ROTATEMARK summary" || len(notes) == 0 || notes[0].Text != "ROTATEMARK note" {
				t.Errorf("after rotation: %+v %+v", plan, notes)
			}
		}
		var stale int64
		for _, q := range []string{
			"SELECT COUNT(*) FROM wellbeing_plans WHERE content NOT LIKE ? OR summary NOT LIKE ?",
			"SELECT COUNT(*) FROM wellbeing_plan_versions WHERE content NOT LIKE ? OR summary NOT LIKE ?",
			"SELECT COUNT(*) FROM wellbeing_notes WHERE body NOT LIKE ? OR body NOT LIKE ?",
		} {
			var n int64
			prefix := "gw1." + newID + ".%"
			if err := fresh.DB.Raw(q, prefix, prefix).Scan(&n).Error; err != nil {
				t.Fatal(err)
			}
			stale += n
		}
		if stale != 0 {
			t.Errorf("%d values are not under the new key", stale)
		}

		te.stdout.Reset()
		if err := te.run(ctx, "", "wellbeing", "rotate-key", "--retire-old-keys"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(te.stdout.String(), "Re-encrypted 0 values") || !strings.Contains(te.stdout.String(), "Removed the older keys") {
			t.Errorf("second run: %s", te.stdout.String())
		}
		retired := te.openApp(t)
		if ids := retired.Wellbeing.Keys().KeyIDs(); len(ids) != 1 || ids[0] != newID {
			t.Errorf("keys after retiring: %v", ids)
		}
		readAll(t, retired)
		if strings.Contains(te.stdout.String()+te.stderr.String(), "ROTATEMARK") {
			t.Error("content in the command output")
		}

		// Purge: Sam left three years ago; nobody else has left.
		end := civil.D(2023, 10, 31)
		emp := *principalEmployee(t, retired, sam.ID)
		emp.EndDate = end
		if _, err := retired.People.Update(ctx, sam.ID, people.Update{Employee: &emp}); err != nil {
			t.Fatal(err)
		}
		te.stdout.Reset()
		if err := te.run(ctx, "", "wellbeing", "purge"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(te.stdout.String(), "Purged the wellbeing records of 1 former employees") {
			t.Errorf("purge output: %s", te.stdout.String())
		}
		if !strings.Contains(te.stderr.String(), "wellbeing purge") || !strings.Contains(te.stderr.String(), "employees=1") {
			t.Errorf("purge not logged with its count: %s", te.stderr.String())
		}
		var left int64
		retired.DB.Raw("SELECT COUNT(*) FROM wellbeing_notes WHERE employee_id = ?", sam.ID).Scan(&left)
		if left != 0 {
			t.Errorf("%d notes left after purge", left)
		}
		te.stdout.Reset()
		if err := te.run(ctx, "", "wellbeing", "purge"); err != nil || !strings.Contains(te.stdout.String(), "of 0 former employees") {
			t.Errorf("second purge: %v %s", err, te.stdout.String())
		}
	})
}

func principalEmployee(t *testing.T, a *app.App, id string) *people.Employee {
	t.Helper()
	p, err := a.People.Get(context.Background(), id)
	if err != nil || p.Employee == nil {
		t.Fatalf("employee %s: %v", id, err)
	}
	return p.Employee
}

// TestWellbeingRotateKeyFromTheEnvironment follows the runbook for keys in
// GOODSHIFT_WELLBEING_KEY: put the new key first, keep the old one second,
// rotate, then drop the old key; everything stays readable.
func TestWellbeingRotateKeyFromTheEnvironment(t *testing.T) {
	ctx := context.Background()
	oldKey, newKey := wellbeing.NewKey(), wellbeing.NewKey()
	te := newTestEnv(t, "")
	te.vars["GOODSHIFT_WELLBEING_KEY"] = oldKey
	if err := te.run(ctx, "", "seed", "--demo"); err != nil {
		t.Fatal(err)
	}
	a := te.openApp(t)
	sam := principal(t, a, "sam@goodshift.example")
	if _, err := a.Wellbeing.SavePlan(ctx, sam, sam.ID, wellbeing.PlanInput{Sections: wellbeing.Sections{StayWell: "ENVMARK"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(te.vars["GOODSHIFT_DATA_DIR"], wellbeing.DevKeyFile)); err == nil {
		t.Error("a development key file was made although the key is set")
	}
	if err := te.run(ctx, "", "wellbeing", "rotate-key", "--new-key"); err == nil {
		t.Error("--new-key with the key in the environment should be refused")
	}
	te.vars["GOODSHIFT_WELLBEING_KEY"] = newKey + "," + oldKey
	if err := te.run(ctx, "", "wellbeing", "rotate-key"); err != nil {
		t.Fatal(err)
	}
	te.vars["GOODSHIFT_WELLBEING_KEY"] = newKey
	plan, _ := readAll(t, te.openApp(t))
	if plan.StayWell != "ENVMARK" {
		t.Errorf("after rotation: %+v", plan)
	}
}
