package web

import (
	"io/fs"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ServiceWorker serves static/sw.js at /sw.js, so that its scope is the
// whole site. Browsers check it for updates on every visit; no-cache makes
// each check reach the server.
func (s *Shell) ServiceWorker() gin.HandlerFunc {
	return s.rootFile("sw.js", "text/javascript; charset=utf-8", "no-cache")
}

// Manifest serves static/manifest.webmanifest at /manifest.webmanifest.
func (s *Shell) Manifest() gin.HandlerFunc {
	return s.rootFile("manifest.webmanifest", "application/manifest+json", "public, max-age=3600")
}

func (s *Shell) rootFile(name, contentType, cache string) gin.HandlerFunc {
	body, err := fs.ReadFile(s.opts.Templates, "static/"+name)
	if err != nil {
		panic("web: static/" + name + ": " + err.Error()) // a missing file fails start-up
	}
	return func(c *gin.Context) {
		c.Header("Cache-Control", cache)
		c.Data(http.StatusOK, contentType, body)
	}
}
