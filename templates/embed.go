// Package templates holds the HTML templates and static assets, embedded in
// the binary and parsed once at start-up by internal/web.
//
//	layout.html        the page skeleton ("layout")
//	partials/_*.html   shared partials (any file starting with "_" is one)
//	<package>/*.html   pages, named by path without .html ("rota/week")
//	static/            CSS, JavaScript and icons served at /static/
package templates

import "embed"

// FS is the templates folder.
//
//go:embed all:*
var FS embed.FS
