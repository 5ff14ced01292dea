#!/usr/bin/env python3
"""The search page of `ajsearch serve` in a real browser: headless Chromium
driven through Selenium (Debian's chromium, chromium-driver and
python3-selenium).

Usage: e2e_browser.py SCENARIO [--screenshot FILE]   (from the repository
root; $AJSEARCH_BIN names the binary).  Scenarios:

  page       typing "maritime security" shows hits with <mark>ed words and
             citations; a year facet filters (the address and every hit
             say so) and the back button brings the unfiltered search
             back; a shared address opens the same search and filters; a
             typo shows the suggestion; / focuses the box, the
             arrow keys select hits and Enter opens one in its context;
             a document holding <script> and <img onerror> shows them as
             text and runs nothing; the page gets its script and style
             under a Content-Security-Policy with no inline script.
             --screenshot FILE saves the page after the first search.
"""
import os
import shutil
import subprocess
import sys
import time

if __name__ == "__main__":
    try:
        import selenium  # noqa: F401
    except ImportError:
        # Debian's python3-selenium is for the system's Python; a python3
        # of its own earlier on PATH runs this again under it.
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != \
                os.path.realpath("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        raise

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import NoAlertPresentException, TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e import CORPUS, build, check, main  # noqa: E402
from e2e_serve import Server  # noqa: E402

# The indexer drops tags from text but decodes entities (Corpus and
# paragraphs, "Markup"), so these reach the stored text as <script> and
# <img ... onerror=...>: what the page must show as text.
HOSTILE = ("Hostilecheck paragraph: &lt;script&gt;window.pwned=1;alert(1)&lt;/script&gt; and "
           "&lt;img src=x onerror=\"window.pwned=2\"&gt; stay text.\n")


# The contrast ratio (WCAG 2) of each element's own text with the first
# opaque background behind it; the elements below 4.5:1, as
# "selector-ish: ratio".
CONTRAST_JS = """
function rgb(s) { const m = s.match(/[\\d.]+/g).map(Number); return m; }
function lum(c) { const v = c.slice(0, 3).map(x => { x /= 255;
  return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
function bg(e) { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
  if (c.length < 4 || c[3] > 0.99) return c; } return [255, 255, 255]; }
const low = [];
for (const e of document.querySelectorAll("body *")) {
  if (!e.offsetParent && e.tagName !== "BODY") continue;
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own) continue;
  const a = lum(rgb(getComputedStyle(e).color)), b = lum(bg(e));
  const r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (r < 4.5) low.push(e.tagName + "." + e.className + ": " + r.toFixed(2));
}
return low;
"""


def browser():
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1280,900", "--lang=en-US"):
        opts.add_argument(a)
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=opts, service=service)


def wait(d, what, cond, timeout=15):
    try:
        return WebDriverWait(d, timeout).until(lambda _: cond())
    except TimeoutException:
        raise AssertionError(f"timed out waiting for {what}")


def hits(d):
    return d.find_elements(By.CSS_SELECTOR, "#hits li.hit")


def type_query(d, text):
    box = d.find_element(By.ID, "q")
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(text)


def s_page(tmp, screenshot=None):
    corpus = os.path.join(tmp, "corpus")
    shutil.copytree(CORPUS, corpus)
    with open(os.path.join(corpus, "hostile.txt"), "w", encoding="utf-8") as f:
        f.write(HOSTILE)
    index = build(tmp, corpus)
    srv = Server(index)
    d = browser()
    try:
        d.get(srv.url + "/")
        check(d.title == "ajsearch", f"title {d.title!r}")
        # results as the user types, without pressing Enter
        type_query(d, "maritime security")
        wait(d, "hits for maritime security", lambda: len(hits(d)) >= 5)
        marks = [m.text.lower() for m in d.find_elements(By.CSS_SELECTOR, "#hits mark")]
        check(marks and set(marks) <= {"maritime", "security", "maritime security"},
              f"marked words {marks[:10]}")
        first = hits(d)[0]
        check("Summit" in first.find_element(By.CSS_SELECTOR, ".cite").text, "a citation")
        status = d.find_element(By.ID, "status").text
        check(status.startswith("9 paragraphs match"), f"status {status!r}")
        wait(d, "the address to carry the query", lambda: "q=maritime+security" in d.current_url)
        if screenshot:
            d.save_screenshot(screenshot)
        # a facet click filters (pushing a new address; typing only
        # replaced the first), back restores
        year = d.find_element(By.CSS_SELECTOR, "#facets ul.facet button")
        label = year.find_element(By.CSS_SELECTOR, "span").text
        year.click()
        wait(d, "the year filter", lambda: f"since={label}" in d.current_url and
             d.find_element(By.ID, "filters").text.startswith("year " + label))
        wait(d, "filtered hits", lambda: hits(d) and all(
            label in h.find_element(By.CSS_SELECTOR, ".cite").text for h in hits(d)))
        d.back()
        wait(d, "the unfiltered search again", lambda: "since=" not in d.current_url and
             d.find_element(By.ID, "status").text.startswith("9 paragraphs match"))
        check(d.find_element(By.ID, "q").get_attribute("value") == "maritime security",
              "the box holds the query again")
        # a shared address opens the same search, filters included
        d.get(srv.url + "/?q=maritime+security&since=2024&until=2024")
        wait(d, "the shared search", lambda: hits(d) and all(
            "2024" in h.find_element(By.CSS_SELECTOR, ".cite").text for h in hits(d)) and
             d.find_element(By.ID, "filters").text.startswith("year 2024"))
        check(d.find_element(By.ID, "q").get_attribute("value") == "maritime security",
              "the shared query in the box")
        d.get(srv.url + "/")
        # did you mean
        type_query(d, "mariitme")
        wait(d, "the suggestion", lambda: d.find_element(By.ID, "spelling").is_displayed() and
             "maritime" in d.find_element(By.ID, "spelling").text)
        # keyboard: / focuses the box, arrows select, Enter opens the context
        type_query(d, "maritime security")
        wait(d, "hits again", lambda: "q=maritime+security" in d.current_url and
             d.find_element(By.ID, "status").text.startswith("9 paragraphs match"))
        time.sleep(0.3)  # no search pending: the list stays as it is
        d.execute_script("document.activeElement.blur()")
        webdriver.ActionChains(d).send_keys("/").perform()
        check(d.switch_to.active_element.get_attribute("id") == "q", "/ focuses the box")
        webdriver.ActionChains(d).send_keys(Keys.ARROW_DOWN).send_keys(Keys.ARROW_DOWN).perform()
        check(hits(d)[1].get_attribute("aria-selected") == "true", "the second hit is selected")
        webdriver.ActionChains(d).send_keys(Keys.ENTER).perform()
        wait(d, "the paragraph in context", lambda: d.find_element(By.ID, "context").is_displayed()
             and d.find_elements(By.CSS_SELECTOR, "#context-body .para.target"))
        d.find_element(By.CSS_SELECTOR, "#context form button").click()
        # hostile text is text
        type_query(d, "hostilecheck")
        wait(d, "the hostile document", lambda: len(hits(d)) == 1)
        text = hits(d)[0].find_element(By.CSS_SELECTOR, ".text").text
        check("<script>" in text and "onerror" in text, f"shown as text: {text!r}")
        check(not d.find_elements(By.CSS_SELECTOR, "#hits script, #hits img"), "no element made")
        check(d.execute_script("return window.pwned === undefined"), "nothing ran")
        try:
            d.switch_to.alert
            raise AssertionError("an alert opened")
        except NoAlertPresentException:
            pass
        # no inline script, and the policy that forbids it
        check(not d.find_elements(By.CSS_SELECTOR, "script:not([src])"), "inline script in the page")
        status, headers, _ = srv.get("/")
        csp = headers.get("Content-Security-Policy", "")
        check("script-src 'self'" in csp and "unsafe-inline" not in csp, f"CSP {csp!r}")
        # every text on the page against its background: WCAG's 4.5:1
        type_query(d, "maritime security")
        wait(d, "hits for the contrast check", lambda: len(hits(d)) >= 5)
        low = d.execute_script(CONTRAST_JS)
        check(not low, f"text below 4.5:1 contrast: {low[:5]}")
        errors = [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]
        check(not errors, f"browser errors: {errors[:3]}")
    finally:
        d.quit()
        srv.stop()


if __name__ == "__main__":
    shot = None
    if "--screenshot" in sys.argv:
        i = sys.argv.index("--screenshot")
        shot = os.path.abspath(sys.argv[i + 1])
        del sys.argv[i:i + 2]
    if shot:
        import tempfile
        with tempfile.TemporaryDirectory() as t:
            s_page(t, shot)
        print(f"e2e_browser page: ok, screenshot in {shot}")
    else:
        main("e2e_browser", globals())
