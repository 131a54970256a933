package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/schollz/progressbar/v3"

	"github.com/goodshift/goodshift/internal/civil"
)

// invoiceRunCmd makes or refreshes the draft invoices for a month, with a
// progress bar on stderr and a summary on stdout. It is safe to re-run,
// including after a crash or Ctrl-C part way through.
func invoiceRunCmd(ctx context.Context, args []string, e env) error {
	fs := flags("invoice-run", "invoice-run --period 2026-11", e)
	period := fs.String("period", "", "calendar month to invoice, like 2026-11 (default: last month)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var m civil.Month
	if *period == "" {
		m = civil.MonthOf(civil.In(e.now(), civil.London).AddDays(-civil.In(e.now(), civil.London).Day))
	} else {
		var err error
		if m, err = civil.ParseMonth(*period); err != nil {
			return fmt.Errorf("--period: %w", err)
		}
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
	var bar *progressbar.ProgressBar
	progress := func(done, total int) {
		if *quiet {
			return
		}
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription("Invoicing "+m.String()),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(), progressbar.OptionSetPredictTime(true))
		}
		_ = bar.Set(done)
	}
	sum, err := a.Contracts.RunInvoices(ctx, m, progress)
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return errors.New("invoice run interrupted; run it again to finish (nothing is duplicated)")
		}
		return describe(err)
	}
	fmt.Fprintf(e.stdout, "Invoice run for %s: %d contracts\n", m, sum.Contracts)
	fmt.Fprintf(e.stdout, "  %d new drafts, %d drafts refreshed, %d unchanged\n", sum.Created, sum.Refreshed, sum.Unchanged)
	fmt.Fprintf(e.stdout, "  %d already issued (left alone), %d empty drafts removed, %d contracts with nothing to bill\n", sum.Issued, sum.Removed, sum.Nothing)
	fmt.Fprintf(e.stdout, "  drafts total %s excluding VAT\n", sum.Net)
	return nil
}
