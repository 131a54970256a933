package contracts_test

import (
	"github.com/goodshift/goodshift/internal/contracts"
	"testing"
)

func BenchmarkInvoicePDF(b *testing.B) {
	inv := longInvoice(20)
	org := testOrg()
	for b.Loop() {
		if _, err := contracts.InvoicePDF(inv, org); err != nil {
			b.Fatal(err)
		}
	}
}
