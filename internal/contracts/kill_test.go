package contracts_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/contracts"
	"github.com/goodshift/goodshift/internal/database"
	"github.com/goodshift/goodshift/internal/database/dbtest"
)

const killChildEnv = "GOODSHIFT_TEST_INVOICE_RUN_CHILD"

// TestKillDuringInvoiceRun starts an invoice run in a child process, kills
// it (SIGKILL) while it is inside the transaction writing the fifth
// contract's draft, and runs again: every contract ends with exactly one
// invoice.
func TestKillDuringInvoiceRun(t *testing.T) {
	if os.Getenv(killChildEnv) != "" {
		t.Skip("child process")
	}
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		svc := decemberService(db)
		cs := fixedContracts(t, svc, 12)
		var dsn, dialect string
		switch d := db.Dialector.(type) {
		case *postgres.Dialector:
			dsn, dialect = d.Config.DSN, "postgres"
		case *sqlite.Dialector:
			dsn, dialect = strings.TrimPrefix(strings.SplitN(d.DSN, "?", 2)[0], "file:"), "sqlite"
		default:
			t.Fatalf("unknown dialector %T", d)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestInvoiceRunChild$", "-test.v")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dialect+"|"+dsn)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		stopped := false
		for sc.Scan() {
			if strings.Contains(sc.Text(), "INSIDE-TX-5") {
				stopped = true
				break
			}
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if !stopped {
			t.Fatal("the child never reached the fifth contract")
		}
		before, err := svc.Invoices(ctx, contracts.InvoiceFilter{Period: "2026-11"})
		if err != nil {
			t.Fatal(err)
		}
		// Some drafts were committed before the kill (how many depends on
		// the PostgreSQL workers in flight); never all of them.
		if len(before) >= len(cs) {
			t.Errorf("after the kill all %d invoices were committed: the run was not interrupted", len(before))
		}
		sum, err := svc.RunInvoices(ctx, november, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created+sum.Unchanged != len(cs) || sum.Created == 0 {
			t.Errorf("re-run: %+v", sum)
		}
		after, _ := svc.Invoices(ctx, contracts.InvoiceFilter{Period: "2026-11"})
		per := map[string]int{}
		for _, inv := range after {
			per[inv.ContractID]++
		}
		for _, c := range cs {
			if per[c.ID] != 1 {
				t.Errorf("contract %s has %d invoices", c.Reference, per[c.ID])
			}
		}
	})
}

// TestInvoiceRunChild is the child process of TestKillDuringInvoiceRun: it
// runs November's invoices and stops, holding the transaction open, inside
// the fifth contract, where its parent kills it.
func TestInvoiceRunChild(t *testing.T) {
	spec := os.Getenv(killChildEnv)
	if spec == "" {
		t.Skip("only run as TestKillDuringInvoiceRun's child")
	}
	dialect, dsn, _ := strings.Cut(spec, "|")
	o := database.Options{SQLitePath: dsn}
	if dialect == "postgres" {
		o = database.Options{URL: dsn}
	}
	db, err := database.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	svc := decemberService(db)
	var n atomic.Int32
	contracts.SetDraftHook(svc, func(string) {
		if n.Add(1) == 5 {
			os.Stdout.WriteString("INSIDE-TX-5\n")
			select {} // wait to be killed
		}
	})
	_, err = svc.RunInvoices(context.Background(), november, nil)
	t.Fatalf("the run finished (%v); it should have been killed", err)
}
