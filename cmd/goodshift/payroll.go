package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
)

// payrollCmd exports a closed pay period for the payroll software, or all
// of a period's PDF timesheets as a zip, to a file or stdout:
//
//	goodshift payroll export --period 2026-10 [--format brightpay|generic] [--out hours.csv]
//	goodshift payroll timesheets --period 2026-10 --out timesheets.zip
func payrollCmd(ctx context.Context, args []string, e env) error {
	const synopsis = "payroll export|timesheets --period 2026-10 [--format brightpay|generic] [--out FILE]"
	if len(args) == 0 || (args[0] != "export" && args[0] != "timesheets") {
		return fmt.Errorf("usage: goodshift %s", synopsis)
	}
	what := args[0]
	fs := flags("payroll "+what, synopsis, e)
	period := fs.String("period", "", "pay period, like 2026-10 (monthly) or its first day")
	format := fs.String("format", "brightpay", "export format: brightpay or generic")
	out := fs.String("out", "", "file to write (default: stdout)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *period == "" {
		return fmt.Errorf("--period is required, like --period 2026-10")
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
	// Write to a buffer first: a refused export leaves no half-written file.
	var buf bytes.Buffer
	summary := ""
	switch what {
	case "export":
		tot, err := a.Payroll.WriteExport(ctx, *period, *format, &buf)
		if err != nil {
			return describe(err)
		}
		summary = fmt.Sprintf("%d payment lines, %s in total", tot.Rows, tot.Amount)
	case "timesheets":
		n, err := a.Payroll.WriteTimesheetsZip(ctx, *period, &buf)
		if err != nil {
			return describe(err)
		}
		summary = fmt.Sprintf("%d timesheets", n)
	}
	var w io.Writer = e.stdout
	if *out != "" {
		if err := os.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Wrote %s: %s\n", *out, summary)
		return nil
	}
	_, err = w.Write(buf.Bytes())
	return err
}
