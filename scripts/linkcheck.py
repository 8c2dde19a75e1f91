#!/usr/bin/env python3
"""Check every link and anchor of a BUILT site with linkchecker.

    python scripts/linkcheck.py SITE_DIR [--format text|json] [--threads N]

Serves SITE_DIR on 127.0.0.1 (a small threaded http.server) and runs
``linkchecker`` (from the venv) on every HTML page of it, with the AnchorCheck
plugin. Prints one line per problem, ``URL: parent PARENT line:col: message``
(or JSON), and exits 0 when clean, 1 on broken links or anchors, 2 on bad usage.

How it is configured, and why:

* Throttle. Over HTTP linkchecker waits 0.1-0.6 s between two requests to the
  same host (``maxrequestspersecond``, at most 10/s) unless the server answers
  with a ``LinkChecker`` response header (linkcheck/checker/httpurl.py:
  ``if "LinkChecker" in self.headers: aggregate.set_maxrated_for_host``): our
  server sends it, and the rc file raises ``maxrequestspersecond``.
* AnchorCheck. With the plugin enabled linkchecker caches a URL *with* its
  fragment (urlbase.set_cache_url), so ``page/#a`` and ``page/#b`` are two
  downloads and two BeautifulSoup parses of the same page - every toc and
  permalink entry of every page is one more request. Most of the cost of
  anchor checking is that fan-out times the throttle delay; with the throttle
  lifted and threads, it is bounded by parsing.
* A missing anchor is a *warning* in linkchecker, not an error, so warnings
  stay on (never ``--no-warnings``) and every warning counts as a failure,
  except the tags in IGNORE_WARNINGS (redirects of a static server).
* Every HTML page is a start URL, so pages that nothing links to are checked
  too; the search index, sitemaps and theme assets are not followed. The
  whole served site is declared internal (``internlinks``): by default only
  URLs under a start URL's directory are fetched, the others get a syntax
  check only - a broken link from /en/cases/a/ to /en/cases/b/#x would pass.
* Run as root, linkchecker drops its privileges to ``nobody``: the rc file and
  its directory are made world-readable (the site is served by this process).

A thin wrapper kept for editors' habits and CI: the same as `kb linkcheck`.
The code is in kb.linkcheck.
"""

from kb.linkcheck import main

if __name__ == "__main__":
    raise SystemExit(main())
