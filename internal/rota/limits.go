package rota

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/goodshift/goodshift/internal/errs"
)

// Upper bounds on what the rota accepts, stated in the error that refuses
// more (400, nothing changes).
const (
	MaxSkills      = 20   // skills on one shift
	MaxSkillChars  = 40   // characters in one skill
	MaxNotesChars  = 2000 // a shift's notes
	MaxReasonChars = 500  // an override, cancel or reject reason
	MaxWorkWith    = 50   // colleagues named in work_with
	MaxFixedSites  = 100  // sites named in fixed_sites
	MaxPhasedSteps = 52   // steps of a phased return
)

// tooLong reports whether s has more than max characters (not bytes).
func tooLong(s string, max int) bool { return len(s) > max && utf8.RuneCountInString(s) > max }

// checkReason refuses a free-text reason over MaxReasonChars.
func checkReason(field, reason string) error {
	reason = strings.TrimSpace(reason)
	if tooLong(reason, MaxReasonChars) {
		return errs.Fields(errs.FieldError{Field: field, Message: fmt.Sprintf("is at most %d characters; this one has %d",
			MaxReasonChars, utf8.RuneCountInString(reason))})
	}
	return nil
}
