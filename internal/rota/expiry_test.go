package rota_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/goodshift/goodshift/internal/civil"
	"github.com/goodshift/goodshift/internal/database/dbtest"
	"github.com/goodshift/goodshift/internal/rota"
)

// txNotes records messages written inside a transaction, and whether that
// transaction committed (they are kept only if it did).
type txNotes struct{ notes }

func (n *txNotes) NotifyTx(ctx context.Context, tx *gorm.DB, ids []string, subject, body, link string) error {
	return n.Notify(ctx, ids, subject, body, link)
}

// TestExpiryJobRecordsAndTellsBoth: the job that expires swaps whose shift
// started marks the request expired, writes an event in its history and
// tells both people, once, however often it runs.
func TestExpiryJobRecordsAndTellsBoth(t *testing.T) {
	dbtest.Each(t, migrations, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		f := setup(t, db)
		sam := f.employee(t, "Sam Okafor", civil.D(1988, 6, 14))
		priya := f.employee(t, "Priya Shah", civil.D(1995, 2, 3))
		sh := f.assigned(t, civil.D(2026, 12, 1), 7, 11, sam)
		w, err := f.svc.RequestSwap(ctx, sam.ID, rota.SwapRequest{ShiftID: sh.ID, ToEmployeeID: priya.ID})
		if err != nil {
			t.Fatal(err)
		}
		sent := &txNotes{}
		at := sh.Start.Add(time.Minute)
		later := rota.NewService(rota.Config{DB: db, Now: func() time.Time { return at }, People: f.people,
			Sites: fakeSites{f.site.ID: f.site}, Notifier: sent})
		if n, err := f.svc.ExpireStartedSwaps(ctx); err != nil || n != 0 {
			t.Fatalf("before the shift: expired %d, %v", n, err)
		}
		for range 2 {
			if _, err := later.ExpireStartedSwaps(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got, err := later.SwapFor(ctx, principal(sam), w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != rota.SwapExpired {
			t.Fatalf("status %s", got.Status)
		}
		last := got.History[len(got.History)-1]
		if last.Action != "expired" {
			t.Errorf("history %+v; want it to end with expired", got.History)
		}
		msgs := sent.all()
		if strings.Count(msgs, "Swap expired") != 1 || !strings.HasPrefix(msgs, "2:") {
			t.Errorf("messages %q; want one 'Swap expired' to both people", msgs)
		}
	})
}
