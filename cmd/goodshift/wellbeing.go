package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/goodshift/goodshift/internal/wellbeing"
)

// wellbeingCmd runs the wellbeing maintenance commands:
//
//	goodshift wellbeing rotate-key [--new-key] [--retire-old-keys]
//	goodshift wellbeing purge
func wellbeingCmd(ctx context.Context, args []string, e env) error {
	if len(args) == 0 || (args[0] != "rotate-key" && args[0] != "purge") {
		fmt.Fprintln(e.stderr, "Usage: goodshift wellbeing rotate-key [--new-key] [--retire-old-keys]")
		fmt.Fprintln(e.stderr, "       goodshift wellbeing purge")
		if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return errors.New("wellbeing needs a subcommand: rotate-key or purge")
	}
	if args[0] == "purge" {
		return wellbeingPurge(ctx, args[1:], e)
	}
	return wellbeingRotate(ctx, args[1:], e)
}

func wellbeingRotate(ctx context.Context, args []string, e env) error {
	fs := flags("wellbeing rotate-key", "wellbeing rotate-key [--new-key] [--retire-old-keys]\n\n"+
		"Seals every wellness plan and support note again under the primary wellbeing key, while the\n"+
		"server keeps running. With a key file, --new-key first adds a fresh key at the top of the file\n"+
		"(running servers pick it up by themselves). With GOODSHIFT_WELLBEING_KEY, put the new key first\n"+
		"in the variable on every server, then run this. See docs/wellbeing.md.", e)
	newKey := fs.Bool("new-key", false, "add a fresh primary key to the key file first")
	retire := fs.Bool("retire-old-keys", false, "when everything is under the primary key, remove the older keys from the key file")
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
	keys := a.Wellbeing.Keys()
	if *newKey {
		if err := keys.AddPrimaryToFile(wellbeing.NewKey()); err != nil {
			return fmt.Errorf("new key: %w", err)
		}
		fmt.Fprintf(e.stdout, "Added a new primary key %s to %s.\n", keys.PrimaryID(), keys.File())
	}
	r, err := a.Wellbeing.Reencrypt(ctx)
	if err != nil {
		return fmt.Errorf("re-encrypt: %w", err)
	}
	rt.logger.Info("wellbeing key rotation", "primary_key_id", r.PrimaryKeyID, "reencrypted", r.Reencrypted, "remaining", r.Remaining)
	fmt.Fprintf(e.stdout, "Re-encrypted %d values under key %s; %d remain under older keys.\n", r.Reencrypted, r.PrimaryKeyID, r.Remaining)
	if r.Remaining > 0 {
		return fmt.Errorf("%d values were changed while re-encrypting and are still under an older key: run the command again", r.Remaining)
	}
	if *retire {
		if err := keys.RetireOldKeysInFile(); err != nil {
			return fmt.Errorf("retire old keys: %w", err)
		}
		fmt.Fprintf(e.stdout, "Removed the older keys from %s.\n", keys.File())
	} else if len(keys.KeyIDs()) > 1 {
		fmt.Fprintln(e.stdout, "Everything is under the primary key: the older keys may now be removed (--retire-old-keys for a key file).")
	}
	return nil
}

func wellbeingPurge(ctx context.Context, args []string, e env) error {
	fs := flags("wellbeing purge", "wellbeing purge\n\nDeletes the wellbeing records of people whose employment ended more than\nGOODSHIFT_WELLBEING_RETENTION ago (default two years), and logs how many.", e)
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
	p, err := a.Wellbeing.Purge(ctx, rt.cfg.WellbeingRetention)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Purged the wellbeing records of %d former employees (%d rows: %d plans, %d plan versions, %d notes, %d flex periods, %d access-log entries).\n",
		p.Employees, p.Total(), p.Plans, p.Versions, p.Notes, p.FlexPeriods, p.AccessLog)
	return nil
}
