#!/usr/bin/env python3
"""Check that a running server answers as openapi.yaml says.

    scripts/check-openapi.py [BASE_URL] [--spec openapi.yaml] [--offline]

1. Validates the document (openapi-spec-validator).
2. Validates every example in the document against its own schema, so examples cannot drift from schemas.
3. Unless --offline: sends every request example of every operation to BASE_URL (default http://127.0.0.1:8080),
   plus one GET to each operation without a body, and once more with ?format=svg where the operation offers SVG.
   Each answer must have the example's status (200, or the example's `x-expected-status`), a documented status and
   media type; JSON answers must match the schema of that status and
   media type (JSON Schema 2020-12, the OpenAPI 3.1 dialect, $refs resolved through the whole document); every
   answer must echo the X-Request-Id that was sent.

Exit status 0 when everything matches, 1 otherwise (each mismatch is printed), 2 for usage errors.
"""

import argparse
import http.client
import json
import sys
import urllib.parse
import uuid

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:jacobian-service:openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def pointer_escape(token):
    """Escapes one JSON Pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


class Spec:
    """The OpenAPI document, with schema validation that resolves $refs against the whole document."""

    def __init__(self, document):
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(SPEC_URI, resource)

    def path_parameters(self, path, operation):
        """The `in: path` parameters of an operation and its path item, with an `example` each."""
        item = self.document.get("paths", {}).get(path, {})
        parameters = [self.resolve(p) for p in item.get("parameters", []) + operation.get("parameters", [])]
        return [p for p in parameters if p.get("in") == "path" and "example" in p]

    def resolve(self, node):
        """Follows a non-schema $ref (responses, parameters, headers) to the object it names."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            seen += 1
            if seen > 32:
                raise ValueError("$ref cycle")
            target = self.document
            for token in node["$ref"].lstrip("#/").split("/"):
                target = target[token.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def errors(self, pointer, instance):
        """Messages for every way `instance` fails the schema at JSON Pointer `pointer` in the document."""
        validator = Draft202012Validator({"$ref": SPEC_URI + "#" + pointer}, registry=self.registry)
        return [describe(error) for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))]

    def operations(self):
        """(path, method, operation, JSON Pointer of the operation) for every operation."""
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                if method in item:
                    yield path, method, item[method], "/paths/{}/{}".format(pointer_escape(path), method)


def describe(error):
    """One line for a validation error; for oneOf/anyOf, the most relevant failure of the closest alternative."""
    if error.context:
        error = best_match(error.context)
    message = error.message if len(error.message) <= 200 else error.message[:200] + "..."
    return "/" + "/".join(pointer_escape(p) for p in error.absolute_path) + ": " + message


def media_examples(media):
    """(name, value) of each example of a media type object."""
    for name, value, _ in media_examples_with_status(media):
        yield name, value


def media_examples_with_status(media):
    """(name, value, expected status) of each example; `x-expected-status` on an example overrides 200."""
    if "example" in media:
        yield "example", media["example"], 200
    for name, example in media.get("examples", {}).items():
        if "value" in example:
            yield name, example["value"], int(example.get("x-expected-status", 200))


class Report:
    """Collects failures and prints one line per check."""

    def __init__(self):
        self.failures = 0
        self.checks = 0

    def ok(self, what):
        self.checks += 1
        print("ok    " + what)

    def fail(self, what, reasons):
        self.checks += 1
        self.failures += 1
        print("FAIL  " + what)
        for reason in reasons[:20]:
            print("        " + reason)


def check_examples(spec, report):
    """Every request and response example must match its own schema."""
    for path, method, operation, op_pointer in spec.operations():
        body = spec.resolve(operation.get("requestBody", {}))
        for media_type, media in body.get("content", {}).items():
            for name, value in media_examples(media):
                pointer = "{}/requestBody/content/{}/schema".format(op_pointer, pointer_escape(media_type))
                check_one_example(spec, report, pointer, value, "{} {} request example {}".format(
                    method.upper(), path, name), media, operation.get("requestBody", {}), op_pointer, media_type)
        for status, response in operation.get("responses", {}).items():
            for media_type, media in spec.resolve(response).get("content", {}).items():
                if "schema" not in media:
                    continue
                for name, value in media_examples(media):
                    what = "{} {} {} {} example {}".format(method.upper(), path, status, media_type, name)
                    errors = spec_schema_errors(spec, response, op_pointer, status, media_type, value)
                    report.fail(what, errors) if errors else report.ok(what)


def check_one_example(spec, report, pointer, value, what, media, body, op_pointer, media_type):
    """Validates one request example; the schema is found through the requestBody's $ref if it has one."""
    if "$ref" in body:
        pointer = body["$ref"].lstrip("#") + "/content/{}/schema".format(pointer_escape(media_type))
    errors = spec.errors(pointer, value) if "schema" in media else []
    report.fail(what, errors) if errors else report.ok(what)


def spec_schema_errors(spec, response, op_pointer, status, media_type, value):
    """Schema errors for `value` as the body of response `status` with `media_type` of an operation."""
    if "$ref" in response:
        base = response["$ref"].lstrip("#")
    else:
        base = "{}/responses/{}".format(op_pointer, pointer_escape(status))
    return spec.errors("{}/content/{}/schema".format(base, pointer_escape(media_type)), value)


def documented_response(operation, status):
    """The key of the documented response for `status`: exact, then `4XX`-style ranges, then `default`."""
    responses = operation.get("responses", {})
    for key in (str(status), "{}XX".format(status // 100), "default"):
        if key in responses:
            return key
    return None


def send(base, method, path, body=None, query=None, accept="application/json", timeout=30):
    """One HTTP/1.1 exchange; returns (status, media type without parameters, headers dict, body bytes, request id)."""
    url = urllib.parse.urlsplit(base)
    connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(url.hostname, url.port, timeout=timeout)
    request_id = "check-openapi-" + uuid.uuid4().hex
    headers = {"Accept": accept, "X-Request-Id": request_id}
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    target = url.path.rstrip("/") + path + ("?" + query if query else "")
    try:
        connection.request(method.upper(), target, body=payload, headers=headers)
        response = connection.getresponse()
        data = response.read()
        response_headers = {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()
    media_type = response_headers.get("content-type", "").split(";")[0].strip().lower()
    return response.status, media_type, response_headers, data, request_id


def check_answer(spec, report, what, operation, op_pointer, answer, expected_status, expect_svg=False):
    """Checks one live answer against the operation's documented responses and the example's expected status."""
    status, media_type, headers, data, request_id = answer
    what = "{} -> {} {}".format(what, status, media_type or "(no content type)")
    problems = []
    if status != expected_status:
        problems.append("expected status {}, got {}: {}".format(expected_status, status, data[:300].decode("utf-8", "replace")))
    if headers.get("x-request-id") != request_id:
        problems.append("X-Request-Id not echoed: sent {!r}, got {!r}".format(request_id, headers.get("x-request-id")))
    key = documented_response(operation, status)
    if key is None:
        report.fail(what, problems + ["status {} is not documented for this operation".format(status)])
        return
    response = operation["responses"][key]
    content = spec.resolve(response).get("content", {})
    if content and media_type not in content:
        problems.append("media type {!r} is not documented for status {} (documented: {})".format(
            media_type, key, ", ".join(content)))
    elif media_type == "application/json" or media_type.endswith("+json"):
        try:
            body = json.loads(data)
        except ValueError as error:
            problems.append("body is not JSON: {}".format(error))
        else:
            if "schema" in content[media_type]:
                problems += spec_schema_errors(spec, response, op_pointer, key, media_type, body)
    elif media_type == "image/svg+xml" and b"<svg" not in data[:4096]:
        problems.append("an image/svg+xml body without an <svg element")
    if expect_svg and status == 200 and media_type != "image/svg+xml":
        problems.append("?format=svg was answered with {!r}".format(media_type))
    report.fail(what, problems) if problems else report.ok(what)


def check_server(spec, report, base, timeout):
    """Sends every request example (or one plain request) to every operation of the live server."""
    for path, method, operation, op_pointer in spec.operations():
        body = spec.resolve(operation.get("requestBody", {}))
        media = body.get("content", {}).get("application/json")
        offers_svg = any(
            "image/svg+xml" in spec.resolve(r).get("content", {}) for r in operation.get("responses", {}).values())
        examples = (list(media_examples_with_status(media)) if media
                    else [(None, None, operation.get("x-expected-status", 200))])
        # Path parameters ({name}) are sent as their documented example.
        target = path
        for parameter in spec.path_parameters(path, operation):
            target = target.replace("{" + parameter["name"] + "}", urllib.parse.quote(str(parameter["example"])))
        for name, value, expected_status in examples:
            label = "{} {}{}".format(method.upper(), path, " example " + name if name else "")
            try:
                answer = send(base, method, target, value, timeout=timeout)
            except (OSError, http.client.HTTPException) as error:
                report.fail(label, ["request failed: {}".format(error)])
                continue
            check_answer(spec, report, label, operation, op_pointer, answer, expected_status)
            if offers_svg:
                try:
                    answer = send(base, method, target, value, query="format=svg", accept="*/*", timeout=timeout)
                except (OSError, http.client.HTTPException) as error:
                    report.fail(label + " ?format=svg", ["request failed: {}".format(error)])
                    continue
                check_answer(
                    spec, report, label + " ?format=svg", operation, op_pointer, answer, expected_status, expect_svg=True)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8080")
    parser.add_argument("--spec", default="openapi.yaml", help="the OpenAPI document (default: openapi.yaml)")
    parser.add_argument("--offline", action="store_true", help="check the document and its examples only")
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request (default: 30)")
    arguments = parser.parse_args(argv)

    with open(arguments.spec, encoding="utf-8") as file:
        document = yaml.safe_load(file)
    report = Report()
    try:
        validate_spec(document)
    except Exception as error:  # the validator raises several unrelated exception types
        report.fail("{} is a valid OpenAPI document".format(arguments.spec), [str(error).splitlines()[0]])
        return 1
    report.ok("{} is a valid OpenAPI document".format(arguments.spec))
    spec = Spec(document)
    check_examples(spec, report)
    if not arguments.offline:
        check_server(spec, report, arguments.base_url, arguments.timeout)
    print("{} checks, {} failed".format(report.checks, report.failures))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
