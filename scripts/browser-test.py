#!/usr/bin/env python3
"""The playground (GET /) and the API reference (GET /docs) in a real browser: headless Chromium driven by Selenium.

    scripts/browser-test.py [--binary .build/debug/jacobian-server [--port N] | --base-url URL] [--screenshots DIR]

Starts the server on a free port (or uses --base-url), then, in the browser:
1. the headers: `/` negotiates (text for curl's */*, the page for a browser's Accept), strict CSP on every page;
2. each panel (Jacobian, Newton, IK) computes its prefilled tutorial example; every number shown in its table
   must be the very text of the number in the API's own JSON answer for the same request, and the picture must
   be inline SVG; the panel's `curl --json` command, run by a shell, must give that same answer;
3. an unknown function gets its problem shown beside the outputs field, the expression's column marked;
4. `<script>`, quotes and ampersands typed into fields and echoed by the server stay text: no new element, no
   script run, no Content-Security-Policy violation;
5. labels on every field, Ctrl+Enter and Enter compute, and no horizontal scrolling at a phone's width (390 px);
6. /docs lists every operation and schema of openapi.yaml (read here with PyYAML, independently of the server's
   own YAML reader) and runs no script.
With --screenshots DIR, saves a PNG of each panel after computing (and of an error) into DIR.
Exit status 0 when all checks pass, 1 otherwise. Needs chromium, chromium-driver (Debian) and selenium (pip).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


class Checks:
    """Counts checks; a failed one prints its reason and the run goes on."""

    def __init__(self):
        self.failures = 0
        self.count = 0

    def expect(self, condition, what, detail=""):
        self.count += 1
        if condition:
            print("ok    " + what)
        else:
            self.failures += 1
            print("FAIL  " + what + (": " + str(detail)[:600] if detail != "" else ""))
        return condition


def start_server(binary, port):
    """The server on 127.0.0.1 and `port` (0: a free one); (process, base URL)."""
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen([binary, "--host", "127.0.0.1", "--port", str(port), "--log-level", "notice"],
                               stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        log.seek(0)
        match = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read())
        if match:
            return process, "http://127.0.0.1:" + match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    log.seek(0)
    sys.exit("browser-test: the server did not start:\n" + log.read())


def http(base, method, path, body=None, accept="application/json"):
    """(status, headers, text) of one request to the API."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Accept": accept})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def lexemes(text):
    """The JSON with every number kept as its text, exactly as the server wrote it."""
    return json.loads(text, parse_float=str, parse_int=str)


def browser(width, height, phone=False):
    options = webdriver.ChromeOptions()
    if phone:  # a desktop window cannot be narrower than 500 px; a phone's viewport is emulated instead
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height,
                                                                              "pixelRatio": 2, "touch": True}})
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size={},{}".format(width, height), "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def wait_visible(driver, element_id, timeout=20):
    """Waits until the element is shown (its `hidden` attribute gone); False on timeout."""
    try:
        WebDriverWait(driver, timeout).until(
            lambda d: d.execute_script("const e = document.getElementById(arguments[0]); return e && !e.hidden;",
                                       element_id))
        return True
    except TimeoutException:
        return False


def compute(driver, panel):
    """Clicks the panel's Compute button and waits for its result or its error."""
    driver.execute_script("""
        for (const id of [arguments[0] + '-result', arguments[0] + '-error']) document.getElementById(id).hidden = true;
        document.getElementById(arguments[0] + '-busy').textContent = '';""", panel)
    driver.find_element(By.ID, panel + "-compute").click()
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "return !document.getElementById(arguments[0] + '-result').hidden"
        " || !document.getElementById(arguments[0] + '-error').hidden", panel))


def screenshot(driver, element_id, path):
    """A PNG of one element; the window is made tall enough first, since only what is in view is captured."""
    size = driver.get_window_size()
    height = driver.execute_script("return Math.ceil(document.getElementById(arguments[0]).getBoundingClientRect().height)",
                                   element_id)
    driver.set_window_size(size["width"], max(size["height"], height + 200))
    element = driver.find_element(By.ID, element_id)
    driver.execute_script("arguments[0].scrollIntoView()", element)
    element.screenshot(path)
    driver.set_window_size(size["width"], size["height"])


def set_field(driver, element_id, text):
    driver.execute_script("document.getElementById(arguments[0]).value = arguments[1];", element_id, text)


def table(driver, table_id):
    """(header texts, rows of (row header, [cell texts])) of a table."""
    return driver.execute_script("""
        const t = document.getElementById(arguments[0]);
        const header = t.tHead && t.tHead.rows.length ? Array.from(t.tHead.rows[0].cells, c => c.textContent) : [];
        const rows = Array.from(t.tBodies[0].rows, r => [r.cells[0].textContent,
            Array.from(r.querySelectorAll('td'), c => c.textContent)]);
        return [header, rows];""", table_id)


def curl_request(driver, panel):
    """The JSON body of the panel's curl command, and the command."""
    command = driver.find_element(By.ID, panel + "-curl").get_property("value")
    match = re.match(r"^curl -s --json '(.*)' (\S+)$", command, re.S)
    if not match:
        return None, command
    return json.loads(match.group(1).replace("'\\''", "'")), command


def check_curl_runs(checks, command, expected_text, what):
    """Runs the shown command through a shell; its answer must be the API's."""
    if shutil.which("curl") is None:
        checks.expect(False, what, "curl is not installed")
        return
    result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=60)
    checks.expect(result.returncode == 0 and json.loads(result.stdout) == json.loads(expected_text), what,
                  result.stderr or result.stdout[:300])


def console_problems(driver):
    """Console messages of level SEVERE or WARNING since the last call: script errors and CSP violations.
    Network entries are left out: the 422 answers the error checks ask for are logged as failed loads, and so is
    the browser's own request for /favicon.ico (the service has no icon)."""
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] in ("SEVERE", "WARNING") and entry.get("source") != "network"]


def check_headers(checks, base):
    status, headers, text = http(base, "GET", "/", accept="*/*")
    checks.expect(status == 200 and headers.get("Content-Type", "").startswith("text/plain") and "curl" in text,
                  "GET / with Accept: */* (curl) keeps the text answer", headers.get("Content-Type"))
    for path, accept in (("/", BROWSER_ACCEPT), ("/docs", BROWSER_ACCEPT), ("/playground/playground.js", "*/*"),
                         ("/playground/playground.css", "*/*")):
        status, headers, _ = http(base, "GET", path, accept=accept)
        policy = headers.get("Content-Security-Policy", "")
        directives = dict((d.strip().split(" ", 1) + [""])[:2] for d in policy.split(";") if d.strip())
        strict = (directives.get("default-src") == "'none'" and "unsafe" not in policy
                  and not re.search(r"https?:|\*|data:", policy) and directives.get("base-uri") == "'none'")
        checks.expect(status == 200 and strict and headers.get("X-Content-Type-Options") == "nosniff",
                      "GET {} is 200 with a strict Content-Security-Policy".format(path), policy)
    _, headers, _ = http(base, "GET", "/", accept=BROWSER_ACCEPT)
    checks.expect(headers.get("Content-Type", "").startswith("text/html"), "GET / with a browser's Accept is the page")
    _, headers, _ = http(base, "GET", "/docs", accept=BROWSER_ACCEPT)
    checks.expect("script-src" not in headers.get("Content-Security-Policy", "x"), "/docs allows no script at all")


def check_panel(checks, driver, base, panel, table_id, numbers_of, screenshots):
    """Computes the panel's prefilled example and compares every number shown with the API's JSON."""
    compute(driver, panel)
    shown = checks.expect(wait_visible(driver, panel + "-result"), panel + ": the example computes",
                          driver.find_element(By.ID, panel + "-error").text)
    body, command = curl_request(driver, panel)
    if not checks.expect(body is not None, panel + ": the curl command carries the request", command) or not shown:
        return
    status, _, text = http(base, "POST", "/v1/" + panel, body)
    checks.expect(status == 200, panel + ": the API answers the same request", text[:300])
    expected = numbers_of(lexemes(text))
    header, rows = table(driver, table_id)
    cells = [cell for _, row in rows for cell in row]
    checks.expect(cells == expected, panel + ": each number in the table is the API's, as written",
                  "shown {} vs API {}".format(cells[:8], expected[:8]))
    svg = driver.execute_script(
        "const s = document.querySelector('#' + arguments[0] + '-picture > svg');"
        "return s ? [s.namespaceURI, s.querySelectorAll('*').length, s.getBoundingClientRect().width] : null;", panel)
    checks.expect(svg is not None and svg[0] == "http://www.w3.org/2000/svg" and svg[1] > 5 and svg[2] > 50,
                  panel + ": the picture is inline SVG", svg)
    check_curl_runs(checks, command, text, panel + ": the curl command, run by a shell, gives the same answer")
    if screenshots:
        screenshot(driver, panel, os.path.join(screenshots, "playground-{}.png".format(panel)))
    return header, rows, lexemes(text)


def check_error_at_field(checks, driver, base, screenshots):
    set_field(driver, "jacobian-outputs", "x[0]^2\nx[1] + sinn(x[1])\nx[2]^4")
    compute(driver, "jacobian")
    checks.expect(wait_visible(driver, "jacobian-error"), "an unknown function shows #jacobian-error")
    body, _ = curl_request(driver, "jacobian")
    _, _, text = http(base, "POST", "/v1/jacobian", body)
    problem = json.loads(text)
    item = next((e for e in problem.get("errors", []) if e.get("pointer") == "/function/outputs/1"), {})
    field_error = driver.find_element(By.ID, "jacobian-outputs-error")
    marked = driver.execute_script(
        "const m = document.querySelector('#jacobian-outputs-error mark'); return m ? m.textContent : null;")
    column = item.get("column")
    checks.expect(field_error.is_displayed() and "line 2" in field_error.text and item.get("detail", "?") in field_error.text,
                  "the problem is shown beside the outputs field, with its line", field_error.text)
    checks.expect(column is not None and marked == "x[1] + sinn(x[1])"[column - 1],
                  "the expression's column {} is marked ({!r})".format(column, marked))
    checks.expect(driver.find_element(By.ID, "jacobian-outputs").get_attribute("aria-invalid") == "true",
                  "the outputs field is marked aria-invalid")
    if screenshots:
        screenshot(driver, "jacobian", os.path.join(screenshots, "playground-error.png"))
    # Fields of the other panels: the API's pointer decides the field.
    for panel, field, text in (("newton", "newton-step-size", "abc"), ("newton", "newton-point", "0, zero"),
                               ("ik", "ik-link-lengths", "1.0, -0.8"), ("ik", "ik-target", "1.5")):
        driver.get(base + "/")
        set_field(driver, field, text)
        compute(driver, panel)
        box = driver.find_element(By.ID, field + "-error")
        others = driver.execute_script(
            "return Array.from(document.querySelectorAll('#' + arguments[0] + ' .field-error'))"
            ".filter(e => !e.hidden && e.id !== arguments[1]).map(e => e.id)", panel, field + "-error")
        checks.expect(box.is_displayed() and box.text.strip() != "" and others == []
                      and driver.find_element(By.ID, field).get_attribute("aria-invalid") == "true",
                      "{}: {!r} in #{} is reported beside that field".format(panel, text, field),
                      "shown: {!r}, also at {}; panel: {!r}".format(box.text, others,
                                                                    driver.find_element(By.ID, panel + "-error").text))


def check_injection(checks, driver):
    """Markup typed into fields, and echoed back by the server in its problem, stays text."""
    payload = "<script>window.injected=1</script>\"'&amp;<img src=x onerror=\"window.injected=2\">"
    cases = [
        ("jacobian-outputs", "x[0] + " + payload, "jacobian-outputs-error"),
        ("jacobian-inputs", "x[3], " + payload, "jacobian-inputs-error"),
        ("jacobian-constants", payload, "jacobian-constants-error"),
    ]
    for field, text, error_id in cases:
        driver.get(driver.current_url)
        set_field(driver, field, text)
        compute(driver, "jacobian")
        shown = driver.execute_script("return document.getElementById(arguments[0]).textContent", error_id)
        panel_text = driver.find_element(By.ID, "jacobian-error").text
        # The whole payload, character for character: `&amp;` still reads `&amp;`, quotes are still there.
        echoed = payload in shown or payload in panel_text
        foreign = driver.execute_script("""
            return [document.querySelectorAll('img, iframe, object, embed').length,
                    Array.from(document.scripts).filter(s => s.getAttribute('src') !== '/playground/playground.js').length,
                    document.querySelectorAll('#jacobian-error *, .field-error *').length === 0 ? 0 :
                      Array.from(document.querySelectorAll('#jacobian-error *, .field-error *'))
                        .filter(e => !['P', 'DIV', 'PRE', 'MARK', 'SPAN'].includes(e.tagName)).length,
                    window.injected === undefined ? 0 : window.injected];""")
        checks.expect(echoed and foreign == [0, 0, 0, 0],
                      "markup typed into {} is shown as text, never as elements".format(field),
                      "echoed={} foreign(img, script, other tags, ran)={} shown={!r}".format(echoed, foreign, shown[:200]))


def check_page_rules(checks, driver, base):
    unlabeled = driver.execute_script("""
        return Array.from(document.querySelectorAll('input, select, textarea'))
            .filter(e => e.labels.length === 0 || !e.labels[0].textContent.trim()).map(e => e.id);""")
    checks.expect(unlabeled == [], "every field has a label", unlabeled)
    source = http(base, "GET", "/playground/playground.js", accept="*/*")[2]
    sinks = re.findall(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", source)
    checks.expect(sinks == [], "the script uses no HTML-string sink", sinks)
    # Keyboard: Ctrl+Enter in a textarea computes; Enter in a one-line field submits its form.
    driver.get(base + "/")
    driver.find_element(By.ID, "newton-outputs").send_keys(Keys.CONTROL, Keys.ENTER)
    checks.expect(wait_visible(driver, "newton-result"), "Ctrl+Enter in a textarea computes")
    driver.find_element(By.ID, "ik-target").send_keys(Keys.ENTER)
    checks.expect(wait_visible(driver, "ik-result"), "Enter in a field computes")


def check_phone(checks, base):
    driver = browser(390, 844, phone=True)
    try:
        driver.get(base + "/")
        for panel in ("jacobian", "newton", "ik"):
            compute(driver, panel)
        overflow = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        checks.expect(overflow[0] <= overflow[1], "no horizontal scrolling at 390 px with every result shown", overflow)
        driver.get(base + "/docs")
        overflow = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        checks.expect(overflow[0] <= overflow[1], "/docs: no horizontal scrolling at 390 px", overflow)
    finally:
        driver.quit()


def check_docs(checks, driver, base, screenshots):
    with open(os.path.join(ROOT, "openapi.yaml"), encoding="utf-8") as file:
        spec = yaml.safe_load(file)
    driver.get(base + "/docs")
    missing = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            slug = "-".join(p for p in re.split(r"[^A-Za-z0-9]+", path) if p).lower() or "root"
            anchor = "op-{}-{}".format(method, slug)
            summary = driver.execute_script(
                "const s = document.querySelector('#' + arguments[0] + ' .op-summary'); return s ? s.textContent : null;",
                anchor)
            if summary != operation.get("summary"):
                missing.append((anchor, summary))
    checks.expect(missing == [], "/docs shows every operation of openapi.yaml with its summary", missing)
    schemas = [name for name in spec["components"]["schemas"]
               if not driver.find_elements(By.ID, "schema-" + name)]
    checks.expect(schemas == [], "/docs has a section for every schema", schemas)
    broken = driver.execute_script("""
        return Array.from(document.querySelectorAll('a[href^="#"]'))
            .filter(a => !document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))))
            .map(a => a.getAttribute('href'));""")
    checks.expect(broken == [], "/docs: every internal link has its target", broken[:10])
    checks.expect(driver.execute_script("return document.scripts.length") == 0, "/docs runs no script")
    checks.expect(console_problems(driver) == [], "/docs: no console error or CSP violation")
    if screenshots:
        screenshot(driver, "op-post-v1-jacobian", os.path.join(screenshots, "docs-jacobian.png"))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/debug/jacobian-server"))
    parser.add_argument("--port", type=int, default=0, help="port of the started server (default: a free one)")
    parser.add_argument("--base-url", help="test this running server instead of starting one")
    parser.add_argument("--screenshots", help="directory for PNG screenshots of each panel")
    arguments = parser.parse_args(argv)
    started = time.monotonic()
    server = None
    base = arguments.base_url
    if base is None:
        server, base = start_server(arguments.binary, arguments.port)
    checks = Checks()
    driver = None
    try:
        check_headers(checks, base)
        driver = browser(1100, 900)
        driver.get(base + "/")
        checks.expect(driver.title.startswith("Jacobian service playground"), "the page loads", driver.title)
        prefilled = driver.execute_script(
            "return [document.getElementById('jacobian-outputs').value, document.getElementById('jacobian-point').value]")
        checks.expect(prefilled == ["x[0]^2\nx[1]^3\nx[2]^4", "-0.5366, 0.9893, -0.287"],
                      "the Jacobian panel is prefilled with the tutorial's example", prefilled)
        result = check_panel(checks, driver, base, "jacobian", "jacobian-table",
                             lambda answer: [v for row in answer["jacobian"] for v in row], arguments.screenshots)
        if result:
            header, rows, answer = result
            checks.expect(header[1:] == answer["columns"] and [r[0] for r in rows] == ["x[0]^2", "x[1]^3", "x[2]^4"],
                          "the Jacobian's columns are the API's names and its rows the outputs", (header, rows))
            _, values = table(driver, "jacobian-values")
            checks.expect([cell for _, row in values for cell in row] == answer["value"], "the value is the API's")
        check_panel(checks, driver, base, "newton", "newton-table",
                    lambda answer: [v for step in answer["trajectory"] for v in step["point"] + [step["residual_norm"]]],
                    arguments.screenshots)
        check_panel(checks, driver, base, "ik", "ik-table",
                    lambda answer: [v for step in answer["trajectory"]
                                    for v in step["joint_angles"] + step["end_effector"] + [step["error_norm"]]],
                    arguments.screenshots)
        checks.expect("max_iterations" in driver.find_element(By.ID, "ik-status").text, "the IK status is shown",
                      driver.find_element(By.ID, "ik-status").text)
        # The Denavit-Hartenberg form of the IK panel: its own example angles and target, a 3-D arm.
        driver.execute_script("const s = document.getElementById('ik-arm-type'); s.value = 'dh';"
                              "s.dispatchEvent(new Event('change'));")
        checks.expect(driver.find_element(By.ID, "ik-dh-joints").is_displayed()
                      and not driver.find_element(By.ID, "ik-link-lengths").is_displayed(),
                      "choosing a DH arm shows the DH table instead of the link lengths")
        set_field(driver, "ik-max-iterations", "100")
        check_panel(checks, driver, base, "ik", "ik-table",
                    lambda answer: [v for step in answer["trajectory"]
                                    for v in step["joint_angles"] + step["end_effector"] + [step["error_norm"]]], None)
        problems = console_problems(driver)
        checks.expect(problems == [], "no console error or CSP violation while computing", problems)
        check_error_at_field(checks, driver, base, arguments.screenshots)
        check_injection(checks, driver)
        problems = console_problems(driver)
        checks.expect(problems == [], "no console error or CSP violation after the injections", problems)
        check_page_rules(checks, driver, base)
        check_docs(checks, driver, base, arguments.screenshots)
        driver.quit()
        driver = None
        check_phone(checks, base)
    finally:
        if driver is not None:
            driver.quit()
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    print("{} checks, {} failed, {:.1f} s".format(checks.count, checks.failures, time.monotonic() - started))
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
