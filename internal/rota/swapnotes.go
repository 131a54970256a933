package rota

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// TxNotifier is a Notifier that can also write its messages (and queue
// their emails) inside the caller's transaction, so a change and the news of
// it commit together or not at all. internal/notify satisfies it. With a
// Notifier that cannot, messages are sent after the commit.
type TxNotifier interface {
	NotifyTx(ctx context.Context, tx *gorm.DB, personIDs []string, subject, body, link string) error
}

// notice is one message to some people.
type notice struct {
	to                  []string
	subject, body, link string
}

// swapNotes are the messages that tell everyone involved where a swap
// stands. supervisors are asked before any transaction opens.
func swapNotes(w Swap, supervisors []string) []notice {
	both := []string{w.FromEmployeeID}
	if w.ToEmployeeID != "" {
		both = append(both, w.ToEmployeeID)
	}
	what := fmt.Sprintf("the shift at %s on %s", w.Shift.SiteName, describeTimes(w.Shift))
	switch w.Status {
	case SwapCompleted:
		return []notice{{both, "Swap done", fmt.Sprintf("%s now has %s.", w.ToName, what), "/rota/week"},
			{supervisors, "Swap done", fmt.Sprintf("%s handed %s to %s.", w.FromName, what, w.ToName), "/rota/approvals"}}
	case SwapAwaitingApproval:
		return []notice{{both, "Swap waiting for a supervisor", fmt.Sprintf("%s accepted %s; a supervisor will decide.", w.ToName, what), "/rota/inbox"},
			{supervisors, "Swap to approve", fmt.Sprintf("%s → %s: %s.", w.FromName, w.ToName, what), "/rota/approvals"}}
	case SwapDeclined:
		return []notice{{[]string{w.FromEmployeeID}, "Swap declined", fmt.Sprintf("%s declined %s.", w.ToName, what), "/rota/inbox"}}
	case SwapRejected:
		return []notice{{both, "Swap not approved", fmt.Sprintf("A supervisor did not approve the swap of %s. It stays with %s.", what, w.FromName), "/rota/inbox"}}
	case SwapCancelled:
		if w.ToEmployeeID != "" {
			return []notice{{[]string{w.ToEmployeeID}, "Swap withdrawn", fmt.Sprintf("%s withdrew the request for %s.", w.FromName, what), "/rota/inbox"}}
		}
	case SwapExpired:
		return []notice{{both, "Swap expired", fmt.Sprintf("The request for %s ended unanswered when the shift started. It stayed with %s.", what, w.FromName), "/rota/inbox"}}
	}
	return nil
}

// tellIn writes notes inside tx when the notifier can; otherwise it
// returns them for sendNotes after the commit.
func (s *Service) tellIn(ctx context.Context, tx *gorm.DB, notes []notice) ([]notice, error) {
	tn, ok := s.cfg.Notifier.(TxNotifier)
	if !ok {
		return notes, nil
	}
	for _, n := range notes {
		if len(n.to) == 0 {
			continue
		}
		if err := tn.NotifyTx(ctx, tx, n.to, n.subject, n.body, n.link); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

func (s *Service) sendNotes(ctx context.Context, notes []notice) {
	for _, n := range notes {
		s.notify(ctx, n.to, n.subject, n.body, n.link)
	}
}

// ExpireStartedSwaps ends every live swap request whose shift has started:
// each is marked expired with an event in its history, and both people are
// told, in one transaction per request. A job runs it every minute; the
// swap pages also run it before they read, so nobody sees a stale request
// between runs. It returns how many it expired.
func (s *Service) ExpireStartedSwaps(ctx context.Context) (int, error) {
	var ids []string
	if err := s.cfg.DB.WithContext(ctx).Model(&swapRow{}).
		Where("status IN ? AND expires_at <= ?", []string{SwapPending, SwapAwaitingApproval}, s.now()).
		Order("expires_at, id").Pluck("id", &ids).Error; err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		w, err := s.swap(ctx, id)
		if err != nil {
			return n, err
		}
		if w.Status != SwapPending && w.Status != SwapAwaitingApproval {
			continue
		}
		ended := w
		ended.Status = SwapExpired
		var later []notice
		var done bool
		err = s.cfg.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			res := tx.Model(&swapRow{}).Where("id = ? AND version = ? AND status IN ?", w.ID, w.Version, []string{SwapPending, SwapAwaitingApproval}).
				Updates(map[string]any{"status": SwapExpired, "version": gorm.Expr("version + 1"), "updated_at": s.now()})
			if res.Error != nil || res.RowsAffected == 0 {
				return res.Error // someone else ended it first: nothing to do
			}
			done = true
			if err := s.swapEvent(tx, w.ID, "", "expired", "the shift started before the request was settled"); err != nil {
				return err
			}
			later, err = s.tellIn(ctx, tx, swapNotes(ended, nil))
			return err
		})
		if err != nil {
			return n, err
		}
		if done {
			n++
			s.sendNotes(ctx, later)
		}
	}
	return n, nil
}
