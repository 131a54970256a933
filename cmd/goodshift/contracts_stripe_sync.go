package main

import (
	"context"
	"errors"
	"fmt"
)

// stripeSyncCmd retries every issued invoice that did not reach Stripe.
func stripeSyncCmd(ctx context.Context, args []string, e env) error {
	fs := flags("stripe-sync", "stripe-sync", e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	rt, err := open(ctx, e)
	if err != nil {
		return err
	}
	defer rt.close()
	a, err := rt.app(e)
	if err != nil {
		return err
	}
	if !a.Contracts.StripeEnabled() {
		return errors.New("stripe is off: set STRIPE_SECRET_KEY to sync invoices")
	}
	synced, failed, err := a.Contracts.SyncPendingStripe(ctx)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(e.stdout, "Stripe sync: %d invoices synced, %d still pending\n", synced, failed)
	if failed > 0 {
		return fmt.Errorf("%d invoices are still pending; see the log and run stripe-sync again", failed)
	}
	return nil
}
