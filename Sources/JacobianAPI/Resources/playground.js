// The playground's script: reads each panel's fields, builds the request the API documents, sends it to this
// server, and shows the answer. Rules it keeps:
// - No text from the user or the server is ever parsed as HTML: elements are created one by one and filled with
//   textContent. (The Content-Security-Policy enforces Trusted Types, so assigning an HTML string to the DOM would throw.)
// - The only markup inserted is the server's SVG picture, parsed as image/svg+xml (not HTML) and stripped down to
//   the drawing elements the Pictures module writes.
// - The server validates requests; the page only turns fields into JSON. A number field that is not a number is
//   sent as a string, so the API's own error, with its JSON Pointer, says what is wrong and where.
"use strict";

(function () {
  // MARK: Small helpers

  const byId = (id) => document.getElementById(id);

  /** An element with text content (never markup) and attributes. */
  function element(tag, text, attributes) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    return node;
  }

  /** Comma-separated tokens, trimmed, empty ones dropped. */
  function tokens(text) {
    return text.split(",").map((token) => token.trim()).filter((token) => token.length > 0);
  }

  const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

  /** A number when the token is one; otherwise the token itself, for the server to reject at its pointer. */
  function numberOrText(token) {
    return numberPattern.test(token) ? Number(token) : token;
  }

  const numbers = (text) => tokens(text).map(numberOrText);

  /** Non-empty lines, each with its 1-based line number in the field (errors point back at the line). */
  function lines(text) {
    const result = [];
    text.split("\n").forEach((line, index) => {
      const trimmed = line.trim();
      if (trimmed.length > 0) result.push({ text: trimmed, line: index + 1 });
    });
    return result;
  }

  /** `x[3], y` → [{name: "x", size: 3}, "y"]: the API's vector and scalar inputs. */
  function inputs(text) {
    return tokens(text).map((token) => {
      const vector = /^([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*(\d+)\s*\]$/.exec(token);
      return vector ? { name: vector[1], size: Number(vector[2]) } : token;
    });
  }

  /** A mistake found before sending (the field's syntax, not the API's rules). */
  class FieldMistake extends Error {
    constructor(fieldId, message, line) {
      super(message);
      this.fieldId = fieldId;
      this.line = line;
    }
  }

  /** `l1 = 1.0, l2 = 0.8` → {l1: 1, l2: 0.8}. */
  function constants(text, fieldId) {
    const result = {};
    for (const token of tokens(text)) {
      const match = /^([^=\s]+)\s*=\s*(\S+)$/.exec(token);
      if (!match) throw new FieldMistake(fieldId, "expected name = number, got '" + token + "'");
      result[match[1]] = numberOrText(match[2]);
    }
    return result;
  }

  /** One DH joint per line: `a alpha d [offset] [revolute|prismatic]`. */
  function dhJoints(text, fieldId) {
    return lines(text).map(({ text: line, line: number }) => {
      const parts = line.split(/[\s,]+/).filter((part) => part.length > 0);
      const joint = {};
      if (parts.length > 0 && !numberPattern.test(parts[parts.length - 1])) joint.type = parts.pop();
      if (parts.length < 3 || parts.length > 4) {
        throw new FieldMistake(fieldId, "line " + number + ": expected a alpha d [offset] [type], got '" + line + "'", number);
      }
      ["a", "alpha", "d", "offset"].forEach((name, index) => {
        if (index < parts.length) joint[name] = numberOrText(parts[index]);
      });
      return joint;
    });
  }

  /** A number field: the number, or the text for the server to reject. */
  function numberField(id) {
    return numberOrText(byId(id).value.trim());
  }

  // MARK: Talking to the API

  /** POST `body` as JSON; the answer's status, media type and text. */
  async function post(endpoint, body, accept) {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": accept },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      mediaType: (response.headers.get("Content-Type") || "").split(";")[0].trim(),
      text: await response.text(),
    };
  }

  /** The JSON with every number replaced by its text exactly as the server wrote it (JSON.parse source text
   *  access); where a browser lacks it, the shortest round-trip text of the parsed number (the same digits). */
  function numbersAsWritten(text) {
    return JSON.parse(text, function (key, value, context) {
      if (typeof value !== "number") return value;
      return context && typeof context.source === "string" ? context.source : String(value);
    });
  }

  /** `curl --json '...' URL`, single-quoted for a POSIX shell. */
  function curlCommand(endpoint, body) {
    const json = JSON.stringify(body).replace(/'/g, "'\\''");
    return "curl -s --json '" + json + "' " + window.location.origin + endpoint;
  }

  // MARK: Pictures

  // Trusted Types: the only string ever turned into a DOM is an SVG answer of this server, parsed as XML below.
  const svgPolicy = window.trustedTypes
    ? window.trustedTypes.createPolicy("svg-picture", { createHTML: (text) => text })
    : { createHTML: (text) => text };

  const svgElements = new Set(["svg", "g", "rect", "line", "polyline", "polygon", "path", "circle", "ellipse", "text",
    "tspan", "title", "desc"]);

  /** Removes every element the Pictures module does not write and every attribute that could run or fetch. */
  function sanitize(node) {
    for (const child of Array.from(node.children)) {
      if (!svgElements.has(child.localName) || child.namespaceURI !== "http://www.w3.org/2000/svg") {
        child.remove();
        continue;
      }
      removeActiveAttributes(child);
      sanitize(child);
    }
  }

  /** Drops event handlers, links, inline styles and url() references from one element. */
  function removeActiveAttributes(node) {
    for (const attribute of Array.from(node.attributes)) {
      const name = attribute.localName.toLowerCase();
      if (name.startsWith("on") || name === "href" || name === "style" || /url\s*\(/i.test(attribute.value)) {
        node.removeAttributeNode(attribute);
      }
    }
  }

  /** Shows the server's SVG inside `container`, or a note when there is none. */
  function showPicture(container, answer) {
    container.replaceChildren();
    if (answer.status !== 200 || answer.mediaType !== "image/svg+xml") {
      container.append(element("p", "No picture for this answer (status " + answer.status + ").", { class: "note" }));
      return;
    }
    const parsed = new DOMParser().parseFromString(svgPolicy.createHTML(answer.text), "image/svg+xml");
    const root = parsed.documentElement;
    if (root.localName !== "svg" || parsed.getElementsByTagName("parsererror").length > 0) {
      container.append(element("p", "The picture could not be read.", { class: "note" }));
      return;
    }
    removeActiveAttributes(root);
    sanitize(root);
    container.append(document.importNode(root, true));
  }

  // MARK: Errors beside their fields

  function clearErrors(panel) {
    const section = byId(panel.id);
    for (const node of section.querySelectorAll(".field-error, .panel-error")) {
      node.replaceChildren();
      node.hidden = true;
    }
    for (const node of section.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  }

  /** The expression with the character at 1-based `column` (Unicode scalars, as the engine counts) marked, and
   *  a caret line under it. */
  function markedExpression(expression, column) {
    const characters = Array.from(expression);
    const at = Math.min(Math.max(column - 1, 0), characters.length);
    const pre = element("pre", null, { class: "marked" });
    pre.append(document.createTextNode(characters.slice(0, at).join("")));
    pre.append(element("mark", at < characters.length ? characters[at] : " "));
    pre.append(document.createTextNode(characters.slice(at + 1).join("") + "\n" + " ".repeat(at) + "^"));
    const label = element("span", "column " + column, { class: "visually-hidden" });
    const figure = element("div", null, { class: "marked-expression" });
    figure.append(label, pre);
    return figure;
  }

  /** Shows `message` beside field `fieldId` (and the marked expression when known). */
  function showFieldError(fieldId, message, expression, column) {
    const box = byId(fieldId + "-error");
    const field = byId(fieldId);
    if (!box || !field) return false;
    box.append(element("p", message));
    if (expression !== undefined && Number.isInteger(column)) box.append(markedExpression(expression, column));
    box.hidden = false;
    field.setAttribute("aria-invalid", "true");
    return true;
  }

  /** The field of the longest pointer prefix the panel maps (`/function/outputs` for `/function/outputs/2`). */
  function fieldFor(panel, pointer) {
    let best = null;
    for (const [prefix, fieldId] of panel.fields) {
      const matches = pointer === prefix || pointer.startsWith(prefix + "/");
      if (matches && (!best || prefix.length > best[0].length)) best = [prefix, fieldId];
    }
    return best;
  }

  /** An RFC 9457 problem: its detail in the panel's error box, each of its `errors` beside its field. */
  function showProblem(panel, problem, sent) {
    const box = byId(panel.id + "-error");
    const heading = element("p", (problem.title || "Error") + " (" + problem.status + "): " + (problem.detail || ""));
    box.append(heading);
    const items = Array.isArray(problem.errors) ? problem.errors : [];
    let placed = 0;
    for (const item of items) {
      const pointer = typeof item.pointer === "string" ? item.pointer : "";
      const match = fieldFor(panel, pointer);
      let shown = false;
      if (match) {
        // Items of a list field (`/function/outputs/1`) are lines: say which, and mark the column in it.
        const token = pointer.slice(match[0].length + 1).split("/")[0];
        const index = /^[0-9]+$/.test(token) ? Number(token) : NaN;
        const lineList = sent.lines[match[0]];
        const entry = lineList && Number.isInteger(index) ? lineList[index] : undefined;
        const prefix = entry ? "line " + entry.line + ": " : "";
        shown = showFieldError(match[1], prefix + item.detail, entry ? entry.text : undefined, item.column);
      }
      if (shown) placed += 1;
      else box.append(element("p", (pointer || "(the request)") + ": " + item.detail, { class: "unplaced" }));
    }
    // One error, shown at its field: the summary points there instead of repeating it.
    if (items.length === 1 && placed === 1 && items[0].detail === problem.detail) {
      heading.textContent = (problem.title || "Error") + " (" + problem.status + "): see the marked field.";
    }
    box.hidden = false;
  }

  // MARK: Tables

  /** A table with a header row and rows of [row header, ...cells]; cells hold the numbers as the API wrote them. */
  function fillTable(table, header, rows) {
    const head = table.tHead || table.createTHead();
    const body = table.tBodies[0] || table.createTBody();
    head.replaceChildren();
    body.replaceChildren();
    if (header) {
      const row = element("tr");
      header.forEach((name, index) => row.append(element("th", name, { scope: index === 0 ? "row" : "col" })));
      row.firstChild.setAttribute("scope", "col");
      head.append(row);
    }
    for (const [label, ...cells] of rows) {
      const row = element("tr");
      row.append(element("th", label, { scope: "row" }));
      for (const cell of cells) row.append(element("td", cell));
      body.append(row);
    }
  }

  const indexed = (name, count) => Array.from({ length: count }, (_, i) => name + "[" + i + "]");

  // MARK: The panels
  // Each panel: its endpoint, how its fields become the request (`request`, which also records which line of a
  // field each list item came from), which request pointers belong to which field (`fields`), and how the JSON
  // answer is shown (`render`). A new endpoint adds one section to the page and one entry here.

  const panels = [
    {
      id: "jacobian",
      endpoint: "/v1/jacobian",
      fields: [
        ["/function", "jacobian-outputs"],
        ["/function/outputs", "jacobian-outputs"],
        ["/function/inputs", "jacobian-inputs"],
        ["/function/constants", "jacobian-constants"],
        ["/function/definitions", "jacobian-definitions"],
        ["/point", "jacobian-point"],
        ["/mode", "jacobian-mode"],
      ],
      request(sent) {
        const outputs = lines(byId("jacobian-outputs").value);
        const definitions = lines(byId("jacobian-definitions").value);
        sent.lines["/function/outputs"] = outputs;
        sent.lines["/function/definitions"] = definitions;
        const fn = { type: "expression", inputs: inputs(byId("jacobian-inputs").value) };
        const named = constants(byId("jacobian-constants").value, "jacobian-constants");
        if (Object.keys(named).length > 0) fn.constants = named;
        if (definitions.length > 0) fn.definitions = definitions.map((entry) => entry.text);
        fn.outputs = outputs.map((entry) => entry.text);
        const body = { function: fn, point: numbers(byId("jacobian-point").value) };
        const mode = byId("jacobian-mode").value;
        if (mode !== "auto") body.mode = mode;
        return body;
      },
      render(answer, sent) {
        const rowNames = sent.lines["/function/outputs"].map((entry) => entry.text);
        const label = (i) => (i < rowNames.length ? rowNames[i] : "output " + i);
        fillTable(byId("jacobian-values"), null, answer.value.map((v, i) => [label(i), v]));
        fillTable(byId("jacobian-table"), ["output \\ input"].concat(answer.columns),
          answer.jacobian.map((row, i) => [label(i)].concat(row)));
        byId("jacobian-summary").textContent =
          "Shape " + answer.shape.join(" × ") + " (outputs × inputs), computed in " + answer.mode + " mode.";
      },
    },
    {
      id: "newton",
      endpoint: "/v1/newton",
      fields: [
        ["/function", "newton-outputs"],
        ["/function/outputs", "newton-outputs"],
        ["/function/inputs", "newton-inputs"],
        ["/point", "newton-point"],
        ["/method", "newton-method"],
        ["/step_size", "newton-step-size"],
        ["/max_iterations", "newton-max-iterations"],
      ],
      request(sent) {
        const outputs = lines(byId("newton-outputs").value);
        sent.lines["/function/outputs"] = outputs;
        const body = {
          function: { type: "expression", inputs: inputs(byId("newton-inputs").value), outputs: outputs.map((e) => e.text) },
          point: numbers(byId("newton-point").value),
          step_size: numberField("newton-step-size"),
          max_iterations: numberField("newton-max-iterations"),
        };
        const method = byId("newton-method").value;
        if (method !== "newton") body.method = method;
        return body;
      },
      render(answer) {
        byId("newton-status").textContent = "Status " + answer.status + (answer.message ? ": " + answer.message : "");
        const size = answer.trajectory.length > 0 ? answer.trajectory[0].point.length : 0;
        fillTable(byId("newton-table"), ["iteration"].concat(indexed("point", size), ["residual_norm"]),
          answer.trajectory.map((step, i) => [String(i)].concat(step.point, [step.residual_norm])));
      },
    },
    {
      id: "ik",
      endpoint: "/v1/ik",
      fields: [
        ["/arm", "ik-arm-type"],
        ["/arm/link_lengths", "ik-link-lengths"],
        ["/arm/joints", "ik-dh-joints"],
        ["/joint_angles", "ik-joint-angles"],
        ["/target", "ik-target"],
        ["/method", "ik-method"],
        ["/max_iterations", "ik-max-iterations"],
      ],
      request(sent) {
        const type = byId("ik-arm-type").value;
        let arm;
        if (type === "dh") {
          const joints = lines(byId("ik-dh-joints").value);
          sent.lines["/arm/joints"] = joints;
          arm = { type: "dh", joints: dhJoints(byId("ik-dh-joints").value, "ik-dh-joints") };
        } else {
          arm = { type: "planar", link_lengths: numbers(byId("ik-link-lengths").value) };
        }
        const body = {
          arm: arm,
          joint_angles: numbers(byId("ik-joint-angles").value),
          target: numbers(byId("ik-target").value),
          method: byId("ik-method").value,
          max_iterations: numberField("ik-max-iterations"),
        };
        return body;
      },
      render(answer) {
        byId("ik-status").textContent = "Status " + answer.status + (answer.message ? ": " + answer.message : "");
        const first = answer.trajectory[0] || { joint_angles: [], end_effector: [] };
        const header = ["iteration"].concat(indexed("joint_angles", first.joint_angles.length),
          indexed("end_effector", first.end_effector.length), ["error_norm"]);
        fillTable(byId("ik-table"), header, answer.trajectory.map((step, i) =>
          [String(i)].concat(step.joint_angles, step.end_effector, [step.error_norm])));
      },
    },
  ];

  // MARK: Running a panel

  async function compute(panel) {
    clearErrors(panel);
    const busy = byId(panel.id + "-busy");
    const result = byId(panel.id + "-result");
    const sent = { lines: {} };
    let body;
    try {
      body = panel.request(sent);
    } catch (mistake) {
      if (!(mistake instanceof FieldMistake)) throw mistake;
      showFieldError(mistake.fieldId, mistake.message);
      byId(panel.id + "-error").append(element("p", "Fix the marked field first."));
      byId(panel.id + "-error").hidden = false;
      return;
    }
    byId(panel.id + "-curl").value = curlCommand(panel.endpoint, body);
    busy.textContent = "Computing…";
    try {
      const [json, svg] = await Promise.all([
        post(panel.endpoint, body, "application/json"),
        post(panel.endpoint, body, "image/svg+xml"),
      ]);
      if (json.status !== 200) {
        result.hidden = true;
        let problem;
        try {
          problem = JSON.parse(json.text);
        } catch (notJSON) {
          problem = { status: json.status, title: "Error", detail: json.text.slice(0, 500) };
        }
        showProblem(panel, problem, sent);
        busy.textContent = "See the errors.";
        return;
      }
      panel.render(numbersAsWritten(json.text), sent);
      showPicture(byId(panel.id + "-picture"), svg);
      result.hidden = false;
      busy.textContent = "Done.";
    } catch (failure) {
      const box = byId(panel.id + "-error");
      box.append(element("p", "The server could not be reached: " + failure.message));
      box.hidden = false;
      busy.textContent = "";
    }
  }

  // Angles and target that fit each kind of arm's example; switching kinds swaps them while they are untouched.
  const armExamples = {
    planar: { "ik-joint-angles": "0.5, 0.5", "ik-target": "1.5, 0.5" },
    dh: { "ik-joint-angles": "0.1, 0.4, -0.3", "ik-target": "0.5, 0.1, 0.6" },
  };

  function showArmFields() {
    const type = byId("ik-arm-type").value;
    for (const node of document.querySelectorAll("#ik [data-arm]")) node.hidden = node.dataset.arm !== type;
    const other = armExamples[type === "dh" ? "planar" : "dh"];
    for (const [id, value] of Object.entries(armExamples[type])) {
      if (byId(id).value.trim() === other[id]) byId(id).value = value;
    }
  }

  async function copy(button) {
    const source = byId(button.dataset.copies);
    source.select();
    try {
      await navigator.clipboard.writeText(source.value);
    } catch (denied) {
      document.execCommand("copy"); // plain-HTTP origins have no Clipboard API; the text is selected either way
    }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = "Copy"; }, 1500);
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const panel of panels) {
      const form = byId(panel.id + "-form");
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        compute(panel);
      });
      // Ctrl+Enter (⌘+Enter) computes from a textarea too, where Enter starts a new line.
      form.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          compute(panel);
        }
      });
      const sent = { lines: {} };
      try {
        byId(panel.id + "-curl").value = curlCommand(panel.endpoint, panel.request(sent));
      } catch (mistake) {
        byId(panel.id + "-curl").value = "";
      }
    }
    byId("ik-arm-type").addEventListener("change", showArmFields);
    showArmFields();
    for (const button of document.querySelectorAll("button.copy")) {
      button.addEventListener("click", () => copy(button));
    }
  });
})();
