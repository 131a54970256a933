// Package money is exact sterling arithmetic: amounts are integer pence and
// rates are basis points (2000 = 20%). There are no floats anywhere.
package money

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Pence is an amount of money in pence. It is JSON-encoded as an integer.
type Pence int64

// BasisPoints is a rate in hundredths of a percent: 2000 is 20%, 1207 is 12.07%.
type BasisPoints int64

// Pounds builds an amount from whole pounds and pence: Pounds(12, 71) is £12.71.
func Pounds(pounds, pence int64) Pence { return Pence(pounds*100 + pence) }

// String formats as "£1,234.56", or "-£12.00" for a negative amount.
func (p Pence) String() string {
	sign := ""
	v := int64(p)
	if v < 0 {
		sign = "-"
		if v == math.MinInt64 {
			return "-£92,233,720,368,547,758.08"
		}
		v = -v
	}
	whole := strconv.FormatInt(v/100, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s£%s.%02d", sign, b.String(), v%100)
}

// Decimal formats as "1234.56" with no symbol or separators (for CSV files).
func (p Pence) Decimal() string {
	v := int64(p)
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// Parse reads a pounds amount written by a person: "12", "12.5", "12.50",
// "£1,234.56". More than two decimal places is an error, not a rounding.
func Parse(s string) (Pence, error) {
	orig := s
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "£")
	s = strings.ReplaceAll(s, ",", "")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" && (!hasFrac || frac == "") {
		return 0, fmt.Errorf("%q is not an amount like 12.50", orig)
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("%q has more than two decimal places", orig)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not an amount like 12.50", orig)
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/100-1 {
		return 0, fmt.Errorf("%q is too large", orig)
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := Pence(w*100 + f)
	if neg {
		v = -v
	}
	return v, nil
}

// Rounding says how a fraction of a penny is settled.
type Rounding int

const (
	// HalfUp rounds to the nearest penny, halves away from zero. HMRC accepts
	// this for VAT calculated on an invoice total.
	HalfUp Rounding = iota
	// Down truncates toward zero (HMRC allows rounding VAT down per line).
	Down
)

// Percent applies a basis-point rate to an amount: Percent(1000, 2000, HalfUp)
// is 200 (20% of £10.00). The arithmetic is exact before the final rounding.
func Percent(p Pence, rate BasisPoints, r Rounding) Pence {
	return MulDiv(p, int64(rate), 10000, r)
}

// MulDiv computes p*num/den exactly and rounds once, as r says. It is how
// hours × rate and pro-rata amounts are worked out without floats:
// MulDiv(rate, minutes, 60, HalfUp) is the pay for a number of minutes.
func MulDiv(p Pence, num, den int64, r Rounding) Pence {
	if den == 0 {
		panic("money: division by zero")
	}
	n := new(big.Int).Mul(big.NewInt(int64(p)), big.NewInt(num))
	d := big.NewInt(den)
	if d.Sign() < 0 {
		n.Neg(n)
		d.Neg(d)
	}
	q, m := new(big.Int).QuoRem(n, d, new(big.Int))
	if r == HalfUp && m.Sign() != 0 {
		twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
		if twice.Cmp(d) >= 0 {
			if n.Sign() < 0 {
				q.Sub(q, big.NewInt(1))
			} else {
				q.Add(q, big.NewInt(1))
			}
		}
	}
	return Pence(q.Int64())
}

// String formats a rate as "20%" or "12.07%".
func (b BasisPoints) String() string {
	if b%100 == 0 {
		return fmt.Sprintf("%d%%", b/100)
	}
	s := fmt.Sprintf("%d.%02d", b/100, b%100)
	return strings.TrimRight(s, "0") + "%"
}
