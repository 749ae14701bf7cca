package localscale

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// localscale serves its own read-only web pages for the html_url links it
// hands out, so a link in a comment or on a terminal opens something real
// instead of a PlanetScale page that does not exist. The pages sit outside
// the token check: a browser sends no bearer token, and they show only what
// the deploy request's diff shows.

// pagesPrefix is where the pages live, beside the API's /v1.
const pagesPrefix = "/app"

// appBase is the root of html_url links: the configured AppURL, else this
// server's own pages as the client reached it. With NoPages, it is empty
// and so are the links.
func (s *Server) appBase(api string) string {
	if s.cfg.NoPages {
		return ""
	}
	if s.cfg.AppURL != "" {
		return s.cfg.AppURL
	}
	return strings.TrimSuffix(apiBase(api), "/v1") + pagesPrefix
}

// htmlURL joins a link under appBase, or "" when there are no pages.
func (s *Server) htmlURL(api string, parts ...any) string {
	base := s.appBase(api)
	if base == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString(base)
	for _, p := range parts {
		b.WriteString("/" + url.PathEscape(fmt.Sprint(p)))
	}
	return b.String()
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Title}} · localscale</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}pre{background:#f4f4f4;padding:1em;overflow:auto}td,th{padding:.2em .8em;text-align:left}</style>
</head><body>
<p><em>localscale: a local emulator of the PlanetScale API. This page exists only while it runs.</em></p>
<h1>{{.Title}}</h1>
<table>{{range .Facts}}<tr><th>{{index . 0}}</th><td>{{index . 1}}</td></tr>{{end}}</table>
{{range .Sections}}<h2>{{.Heading}}</h2><pre>{{.Text}}</pre>{{end}}
</body></html>
`))

type page struct {
	Title    string
	Facts    [][2]string
	Sections []pageSection
}

type pageSection struct{ Heading, Text string }

// pages routes the web pages; the API handles everything else.
func (s *Server) pages(api http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+pagesPrefix+"/{org}/{db}", s.page(s.databasePage))
	mux.HandleFunc("GET "+pagesPrefix+"/{org}/{db}/{branch}", s.page(s.branchPage))
	mux.HandleFunc("GET "+pagesPrefix+"/{org}/{db}/deploy-requests/{number}", s.page(s.deployRequestPage))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, pagesPrefix+"/") || s.cfg.NoPages {
			api.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Server) page(build func(now time.Time, c *reqCtx) *page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var (
			p    *page
			aerr *apiError
		)
		s.update(func(now time.Time) {
			c := &reqCtx{r: r}
			if aerr = s.resolve(c); aerr == nil {
				p = build(now, c)
			}
		})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		if aerr != nil {
			w.WriteHeader(aerr.Status)
			p = &page{Title: "Not found"}
		}
		if err := pageTemplate.Execute(w, p); err != nil {
			s.log.Warn("localscale: render page", "path", r.URL.Path, "err", err)
		}
	}
}

func (s *Server) databasePage(now time.Time, c *reqCtx) *page {
	d := c.db
	p := &page{Title: d.Org + "/" + d.Name}
	for _, b := range d.Branches {
		role := "development"
		if b.Production {
			role = "production"
		}
		p.Facts = append(p.Facts, [2]string{"branch " + b.Name, role})
	}
	for _, dr := range d.DeployRequests {
		p.Facts = append(p.Facts, [2]string{fmt.Sprintf("deploy request #%d", dr.Number), dr.Branch + " → " + dr.IntoBranch + ": " + dr.State + ", " + dr.D.State})
	}
	return p
}

func (s *Server) branchPage(now time.Time, c *reqCtx) *page {
	d, b := c.db, c.branch
	p := &page{Title: d.Org + "/" + d.Name + " · branch " + b.Name}
	p.Facts = append(p.Facts, [2]string{"parent", b.Parent}, [2]string{"production", fmt.Sprint(b.Production)})
	return p
}

func (s *Server) deployRequestPage(now time.Time, c *reqCtx) *page {
	d, dr := c.db, c.dr
	p := &page{Title: fmt.Sprintf("%s/%s · deploy request #%d", d.Org, d.Name, dr.Number)}
	p.Facts = append(p.Facts,
		[2]string{"branch", dr.Branch + " → " + dr.IntoBranch},
		[2]string{"state", dr.State},
		[2]string{"deployment", dr.D.State},
		[2]string{"approved", fmt.Sprint(approved(dr))},
	)
	if dr.Notes != "" {
		p.Facts = append(p.Facts, [2]string{"notes", dr.Notes})
	}
	var ddl strings.Builder
	for _, o := range dr.D.Ops {
		ddl.WriteString(strings.TrimRight(o.Raw, "\n"))
		ddl.WriteString("\n\n")
	}
	if ddl.Len() > 0 {
		p.Sections = append(p.Sections, pageSection{"Schema diff", ddl.String()})
	}
	return p
}
