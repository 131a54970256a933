package apptest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goodshift/goodshift/internal/testenv"
)

// Phone is the viewport browser tests use: a common mid-range phone.
const (
	PhoneWidth  = 390
	PhoneHeight = 844
)

// chromium finds Debian's Chromium (or $GOODSHIFT_CHROMIUM).
func chromium() (string, bool) {
	if p := os.Getenv("GOODSHIFT_CHROMIUM"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
)

// Browser starts one headless Chromium per test binary (or skips when there
// is none; fails in CI) and returns a new, isolated browser context — its
// own cookies, like a separate phone — sized as a phone. Several contexts
// from one test are several people.
func Browser(t *testing.T) context.Context {
	t.Helper()
	path, ok := chromium()
	if !ok {
		testenv.Unavailable(t, testenv.Browser, "no chromium on PATH (apt-get install chromium)")
	}
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "goodshift-chromium-")
		if err != nil {
			browserErr = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("no-first-run", true),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(PhoneWidth, PhoneHeight),
		)
		alloc, _ := chromedp.NewExecAllocator(context.Background(), opts...)
		// The first context owns the browser process; it lives as long as
		// the test binary.
		browserCtx, _ = chromedp.NewContext(alloc)
		_, browserErr = chromedp.Run(browserCtx, chromedp.Title())
	})
	if browserErr != nil {
		testenv.Unavailable(t, testenv.Browser, "chromium did not start: "+browserErr.Error())
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(PhoneWidth, PhoneHeight, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatalf("set phone viewport: %v", err)
	}
	return ctx
}

// Steps runs browser steps with a time limit, failing the test on error and
// saving a screenshot of where it stopped.
func Steps(t *testing.T, ctx context.Context, name string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		Screenshot(t, ctx, name+"-failed")
		t.Fatalf("browser: %s: %v", name, err)
	}
}

// Screenshot saves a full-page PNG under testoutput/screenshots.
func Screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	path := filepath.Join(testenv.OutputDir(t, "screenshots"), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("write screenshot: %v", err)
	}
	return path
}

// SignInSteps are the browser steps that sign in on the sign-in page.
func (s *Server) SignInSteps(email, password string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(s.URL + "/login"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email),
		chromedp.SendKeys(chromedp.CSS(`#password`), password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`body footer.site p`)),
	}
}
