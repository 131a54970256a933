// Package pdfdoc builds Goodshift's printed documents — invoices, credit
// notes, timesheets, subject-access exports — on gofpdf with one look: A4,
// an embedded DejaVu Sans (so "£", "é" and "Ł" print on any machine), a
// footer with page numbers, and tables that repeat their header on every
// page. Output is deterministic: the same document gives the same bytes.
//
// Speed: gofpdf spends ~14 ms per document parsing and subsetting a UTF-8
// TrueType font, which would dominate a batch of 2,000 invoices. So a Doc
// records what is written and renders it in Bytes: when every character is
// in Windows-1252 (most documents: "£", "é", "ø" are) it uses the same
// DejaVu Sans pre-built as an 8-bit font (fonts/*.json, *.z; ~1 ms); only
// documents with other characters ("Ł", "ș") pay for the UTF-8 font.
//
// The fonts are DejaVu Sans subset to Latin, punctuation and currency
// (fonts/LICENSE). Regenerate them with:
//
//	pyftsubset DejaVuSans.ttf --unicodes="U+0020-007E,U+00A0-024F,U+0300-036F,U+1E00-1EFF,U+2010-2027,U+2030-203A,U+20AC,U+20A4,U+2122,U+2190-2193,U+2212,U+2713,U+2717,U+25CF,U+2022" --layout-features='' --no-hinting --desubroutinize
//	gofpdf.MakeFont("DejaVuSans.ttf", "cp1252.map", "fonts", os.Stderr, true)
package pdfdoc

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/text/encoding/charmap"
)

var (
	//go:embed fonts/DejaVuSans.ttf
	regularTTF []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	boldTTF []byte
	//go:embed fonts/DejaVuSans.json
	regularJSON []byte
	//go:embed fonts/DejaVuSans.z
	regularZ []byte
	//go:embed fonts/DejaVuSans-Bold.json
	boldJSON []byte
	//go:embed fonts/DejaVuSans-Bold.z
	boldZ []byte
)

const (
	family     = "DejaVu"
	lineHeight = 5.0 // mm, for 9.5pt text
	margin     = 15.0
)

// Meta describes a document.
type Meta struct {
	Title   string    // shown in the PDF's properties
	Author  string    // the organisation
	Footer  string    // small print at the foot of every page
	Created time.Time // fixed creation date: same input, same bytes
}

// Doc is a document being written. Methods record content; Bytes renders.
type Doc struct {
	meta  Meta
	ops   []func(*page)
	texts []string
}

// page is the render state: the gofpdf document and how to encode text.
type page struct {
	pdf  *gofpdf.Fpdf
	tr   func(string) string // UTF-8 to the font's encoding
	utf8 bool
	w    float64 // usable width
}

// New starts a document.
func New(m Meta) *Doc { return &Doc{meta: m} }

// Width is the usable width of an A4 page in mm.
func (d *Doc) Width() float64 { return 210 - 2*margin }

func (d *Doc) add(op func(*page), texts ...string) {
	d.ops = append(d.ops, op)
	d.texts = append(d.texts, texts...)
}

func (p *page) font(b bool, size float64) {
	style := ""
	if b {
		style = "B"
	}
	p.pdf.SetFont(family, style, size)
}

// split wraps s to width w, as lines in the font's encoding.
func (p *page) split(s string, w float64) []string {
	if p.utf8 {
		return p.pdf.SplitText(s, w)
	}
	var out []string
	for _, l := range p.pdf.SplitLines([]byte(p.tr(s)), w) {
		out = append(out, string(l))
	}
	return out
}

// multi writes a wrapped cell of UTF-8 text.
func (p *page) multi(w, h float64, s, align string) {
	p.pdf.MultiCell(w, h, p.tr(s), "", align, false)
}

func (p *page) cell(w, h float64, s string, ln int, align string) {
	p.pdf.CellFormat(w, h, p.tr(s), "", ln, align, false, 0, "")
}

// Title writes the document's big heading.
func (d *Doc) Title(text string) {
	d.add(func(p *page) {
		p.font(true, 18)
		p.multi(p.w, 9, text, "L")
		p.font(false, 9.5)
		p.pdf.Ln(2)
	}, text)
}

// Heading writes a section heading.
func (d *Doc) Heading(text string) {
	d.add(func(p *page) {
		p.ensure(16)
		p.pdf.Ln(2)
		p.font(true, 12)
		p.multi(p.w, 6.5, text, "L")
		p.font(false, 9.5)
		p.pdf.Ln(1)
	}, text)
}

// Text writes a wrapped paragraph.
func (d *Doc) Text(text string) {
	d.add(func(p *page) { p.multi(p.w, lineHeight, text, "L") }, text)
}

// Bold writes a wrapped bold paragraph.
func (d *Doc) Bold(text string) {
	d.add(func(p *page) {
		p.font(true, 9.5)
		p.multi(p.w, lineHeight, text, "L")
		p.font(false, 9.5)
	}, text)
}

// Space moves down by mm.
func (d *Doc) Space(mm float64) { d.add(func(p *page) { p.pdf.Ln(mm) }) }

// PageBreak starts a new page.
func (d *Doc) PageBreak() { d.add(func(p *page) { p.pdf.AddPage() }) }

// Field is a label and its value.
type Field struct{ Label, Value string }

// Blocks writes two blocks side by side: free lines on the left (an
// address) and labelled fields on the right (invoice number, dates).
func (d *Doc) Blocks(leftTitle string, left []string, right []Field) {
	texts := append([]string{leftTitle}, left...)
	for _, f := range right {
		texts = append(texts, f.Label, f.Value)
	}
	d.add(func(p *page) {
		x, y := p.pdf.GetX(), p.pdf.GetY()
		lw := p.w * 0.55
		if leftTitle != "" {
			p.font(true, 9.5)
			p.cell(lw, lineHeight, leftTitle, 2, "L")
			p.font(false, 9.5)
		}
		for _, l := range left {
			p.multi(lw, lineHeight, l, "L")
		}
		leftEnd := p.pdf.GetY()
		p.pdf.SetXY(x+lw, y)
		rw := p.w - lw
		for _, f := range right {
			p.pdf.SetX(x + lw)
			p.font(true, 9.5)
			p.cell(rw*0.45, lineHeight, f.Label, 0, "L")
			p.font(false, 9.5)
			p.multi(rw*0.55, lineHeight, f.Value, "L")
		}
		p.pdf.SetXY(x, max(leftEnd, p.pdf.GetY()))
		p.pdf.Ln(3)
	}, texts...)
}

// Fields writes labelled values one per line.
func (d *Doc) Fields(fields []Field) {
	var texts []string
	for _, f := range fields {
		texts = append(texts, f.Label, f.Value)
	}
	d.add(func(p *page) {
		lw := p.w * 0.3
		for _, f := range fields {
			p.ensure(lineHeight)
			p.font(true, 9.5)
			p.cell(lw, lineHeight, f.Label, 0, "L")
			p.font(false, 9.5)
			p.multi(p.w-lw, lineHeight, f.Value, "L")
		}
	}, texts...)
}

// Column of a table: Width is a share of the page width (they should add
// up to 1); Align is "L", "R" or "C".
type Column struct {
	Title string
	Width float64
	Align string
}

// Table is rows of cells under a header that repeats on each new page.
// Foot rows (totals) are printed bold after a rule.
type Table struct {
	Columns []Column
	Rows    [][]string
	Foot    [][]string
}

// Table writes t, breaking across pages as needed.
func (d *Doc) Table(t Table) {
	var texts []string
	for _, c := range t.Columns {
		texts = append(texts, c.Title)
	}
	for _, r := range append(append([][]string{}, t.Rows...), t.Foot...) {
		texts = append(texts, r...)
	}
	d.add(func(p *page) { p.table(t) }, texts...)
}

func (p *page) table(t Table) {
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = c.Width * p.w
	}
	header := func() {
		p.font(true, 9)
		p.pdf.SetFillColor(235, 239, 243)
		for i, c := range t.Columns {
			p.pdf.CellFormat(widths[i], 7, p.tr(c.Title), "B", 0, align(c.Align), true, 0, "")
		}
		p.pdf.Ln(-1)
		p.font(false, 9)
	}
	p.ensure(14)
	header()
	row := func(cells []string, isFoot bool) {
		if isFoot {
			p.font(true, 9)
		}
		lines := make([][]string, len(t.Columns))
		n := 1
		for i := range t.Columns {
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			lines[i] = p.split(text, widths[i]-2)
			if len(lines[i]) == 0 {
				lines[i] = []string{""}
			}
			n = max(n, len(lines[i]))
		}
		h := float64(n)*4.6 + 1.6
		if p.pdf.GetY()+h > p.bottom() {
			p.pdf.AddPage()
			header()
			if isFoot {
				p.font(true, 9)
			}
		}
		x, y := p.pdf.GetX(), p.pdf.GetY()
		for i, c := range t.Columns {
			p.pdf.SetXY(x+sum(widths[:i]), y+0.8)
			// lines are already encoded: write them without translating again.
			p.pdf.MultiCell(widths[i], 4.6, strings.Join(lines[i], "\n"), "", align(c.Align), false)
		}
		p.pdf.SetXY(x, y+h)
		p.pdf.SetDrawColor(215, 220, 225)
		p.pdf.Line(x, y+h, x+p.w, y+h)
		p.pdf.SetDrawColor(0, 0, 0)
		p.font(false, 9)
	}
	for _, r := range t.Rows {
		row(r, false)
	}
	if len(t.Foot) > 0 {
		p.pdf.Line(p.pdf.GetX(), p.pdf.GetY(), p.pdf.GetX()+p.w, p.pdf.GetY())
		for _, r := range t.Foot {
			row(r, true)
		}
	}
	p.font(false, 9.5)
	p.pdf.Ln(3)
}

// SignatureLines writes a signature and date line for each signer.
func (d *Doc) SignatureLines(signers ...string) {
	d.add(func(p *page) {
		p.ensure(float64(len(signers)) * 22)
		for _, s := range signers {
			p.pdf.Ln(8)
			x, y := p.pdf.GetX(), p.pdf.GetY()
			p.pdf.Line(x, y, x+p.w*0.55, y)
			p.pdf.Line(x+p.w*0.65, y, x+p.w, y)
			p.pdf.Ln(1)
			p.font(false, 8)
			p.cell(p.w*0.65, 4, s+": signature", 0, "L")
			p.cell(p.w*0.35, 4, "Date", 1, "L")
			p.font(false, 9.5)
		}
	}, signers...)
}

// ensure starts a new page unless mm of space is left.
func (p *page) ensure(mm float64) {
	if p.pdf.GetY()+mm > p.bottom() {
		p.pdf.AddPage()
	}
}

func (p *page) bottom() float64 {
	_, ph := p.pdf.GetPageSize()
	return ph - margin - 8
}

// Bytes renders the document.
func (d *Doc) Bytes() ([]byte, error) {
	all := append([]string{d.meta.Footer}, d.texts...)
	p := &page{pdf: gofpdf.New("P", "mm", "A4", ""), utf8: !fitsCP1252(all)}
	pdf := p.pdf
	if p.utf8 {
		pdf.AddUTF8FontFromBytes(family, "", regularTTF)
		pdf.AddUTF8FontFromBytes(family, "B", boldTTF)
		p.tr = func(s string) string { return s }
	} else {
		pdf.AddFontFromBytes(family, "", regularJSON, regularZ)
		pdf.AddFontFromBytes(family, "B", boldJSON, boldZ)
		p.tr = pdf.UnicodeTranslatorFromDescriptor("cp1252")
	}
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin+8)
	pdf.SetCreationDate(d.meta.Created.UTC())
	pdf.SetModificationDate(d.meta.Created.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	pdf.SetTitle(d.meta.Title, true)
	pdf.SetAuthor(d.meta.Author, true)
	pdf.SetCreator("Goodshift", true)
	pdf.SetProducer("Goodshift", true)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin - 2)
		p.font(false, 7.5)
		pdf.SetTextColor(90, 90, 90)
		p.cell(p.w*0.75, 4, d.meta.Footer, 0, "L")
		p.cell(p.w*0.25, 4, fmt.Sprintf("Page %d of {nb}", pdf.PageNo()), 0, "R")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	pw, _ := pdf.GetPageSize()
	p.w = pw - 2*margin
	p.font(false, 9.5)
	for _, op := range d.ops {
		op(p)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// fitsCP1252 reports whether every character can be written in the 8-bit font.
func fitsCP1252(texts []string) bool {
	for _, s := range texts {
		for _, r := range s {
			if r < 0x80 {
				continue
			}
			if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
				return false
			}
		}
	}
	return true
}

func align(a string) string {
	switch a {
	case "R", "C":
		return a + "T"
	}
	return "LT"
}

func sum(xs []float64) float64 {
	t := 0.0
	for _, x := range xs {
		t += x
	}
	return t
}
